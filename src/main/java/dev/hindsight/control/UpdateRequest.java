package dev.hindsight.control;

/** Changes to a server's backup settings and tier; null fields stay as they are. */
public record UpdateRequest(Integer backupRetentionDays, String fullBackupInterval, String diffBackupInterval,
                            Integer storageSizeGib, String backupRedundancy, String tier, String rehearsal,
                            Integer immutabilityDays, String maxReplay) {
    public UpdateRequest(Integer backupRetentionDays, String fullBackupInterval, String diffBackupInterval,
                         Integer storageSizeGib, String backupRedundancy, String tier) {
        this(backupRetentionDays, fullBackupInterval, diffBackupInterval, storageSizeGib, backupRedundancy, tier, null,
                null, null);
    }

    boolean isEmpty() {
        return backupRetentionDays == null && fullBackupInterval == null && diffBackupInterval == null
                && storageSizeGib == null && backupRedundancy == null && tier == null && rehearsal == null
                && immutabilityDays == null && maxReplay == null;
    }
}
