package dev.hindsight.control;

/** A request to create a managed server; null fields take their defaults. */
public record CreateRequest(String name, String engine, String adminUser, String adminPassword, Integer port,
                            Integer backupRetentionDays, String fullBackupInterval, String diffBackupInterval,
                            Integer storageSizeGib, String backupRedundancy, String workload, String tier) {
}
