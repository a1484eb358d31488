package dev.hindsight.control;

/**
 * A request to back up an existing server on this host: its data directory and a login URI; and,
 * optionally, its streaming standby on this host to take backups from ({@code standbyConnection}
 * as HOST:PORT, reached with the same login, and {@code standbyDataDir}, both or neither).
 */
public record AttachRequest(String name, String engine, String dataDir, String connection,
                            Integer backupRetentionDays, String backupRedundancy, String workload,
                            String standbyConnection, String standbyDataDir) {
    public AttachRequest(String name, String engine, String dataDir, String connection, Integer backupRetentionDays,
                         String backupRedundancy, String workload) {
        this(name, engine, dataDir, connection, backupRetentionDays, backupRedundancy, workload, null, null);
    }
}
