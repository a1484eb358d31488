package dev.hindsight.control;

/** A request to create a managed server; null fields take their defaults. */
public record CreateRequest(String name, String engine, String adminUser, String adminPassword, Integer port,
                            Integer backupRetentionDays, String fullBackupInterval, String diffBackupInterval,
                            Integer storageSizeGib, String backupRedundancy, String workload, String tier,
                            String maxReplay) {
    public CreateRequest(String name, String engine, String adminUser, String adminPassword, Integer port,
                         Integer backupRetentionDays, String fullBackupInterval, String diffBackupInterval,
                         Integer storageSizeGib, String backupRedundancy, String workload, String tier) {
        this(name, engine, adminUser, adminPassword, port, backupRetentionDays, fullBackupInterval, diffBackupInterval,
                storageSizeGib, backupRedundancy, workload, tier, null);
    }
}
