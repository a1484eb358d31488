package dev.hindsight.control;

/** A request to back up an existing server on this host: its data directory and a login URI. */
public record AttachRequest(String name, String engine, String dataDir, String connection,
                            Integer backupRetentionDays, String backupRedundancy, String workload) {
}
