package dev.hindsight.control;

import java.time.Instant;

/**
 * What {@code server show} prints: state, engine, settings and the restore window.
 *
 * @param logCaptureLagSeconds how far behind the server's writes the durable log is (null if unknown)
 * @param lastDifferentialBackupAt when the last successful differential ended (null: none since ever)
 * @param logCapturePosition   the position up to which the log is durable in the repository
 * @param logCapturePendingBytes log received from the server but not yet durable in every synchronous copy
 * @param storageSizeGib       the provisioned storage size (backup allowance) if set; null: the data directory's size
 * @param backupCopies         the site copies new objects are written to synchronously
 * @param geoLagSeconds        how far behind the geo copy is: everything stored before now minus this is
 *                             there (null: no geo copy, or nothing copied yet)
 * @param geoBehindBytes       bytes not yet in the geo copy at its copier's last look
 * @param storageNote          what the redundancy lacks, or why it is not what was asked for
 * @param tier                 the compute tier its memory and connection settings follow
 * @param firewallRules        client ranges allowed beyond 127.0.0.1
 * @param locks                management locks (delete, read-only)
 * @param rehearsal            how often a restore of the newest backup is rehearsed
 * @param lastRehearsal        the newest rehearsal's outcome (on whichever backup it restored), null before the first
 * @param standby              the standby backups are taken from, null: from the server itself
 * @param maxReplay            the replay budget ({@code PT1M}), or {@code off}
 * @param immutabilityDays     for how many days the storage holds each new object immutable; 0: not at all
 */
public record ServerView(
        String name,
        String id,
        String engine,
        String version,
        String state,
        int port,
        int backupRetentionDays,
        String fullBackupInterval,
        String diffBackupInterval,
        Integer storageSizeGib,
        Instant earliestRestorePoint,
        Instant latestRestorePoint,
        String lastFullBackupId,
        Instant lastFullBackupAt,
        String lastBackupId,
        String lastBackupKind,
        Instant lastBackupAt,
        Instant lastDifferentialBackupAt,
        Double logCaptureLagSeconds,
        String logCapturePosition,
        Long logCapturePendingBytes,
        String logCaptureError,
        String restoredFrom,
        Instant createdAt,
        dev.hindsight.repo.catalog.LtrPolicy longTermRetention,
        String backupRedundancy,
        java.util.List<String> backupCopies,
        String geoSite,
        Double geoLagSeconds,
        Long geoBehindBytes,
        String geoError,
        String storageNote,
        String tier,
        java.util.List<dev.hindsight.repo.catalog.FirewallRule> firewallRules,
        java.util.List<dev.hindsight.repo.catalog.ManagementLock> locks,
        String rehearsal,
        int immutabilityDays,
        dev.hindsight.repo.catalog.Verification lastRehearsal,
        dev.hindsight.repo.catalog.Standby standby,
        String maxReplay) {

    /** The same view with a note about the redundancy chosen (at create: why it is not what the preset asks). */
    public ServerView withStorageNote(String note) {
        return new ServerView(name, id, engine, version, state, port, backupRetentionDays, fullBackupInterval,
                diffBackupInterval, storageSizeGib, earliestRestorePoint, latestRestorePoint, lastFullBackupId,
                lastFullBackupAt, lastBackupId, lastBackupKind, lastBackupAt, lastDifferentialBackupAt, logCaptureLagSeconds,
                logCapturePosition, logCapturePendingBytes,
                logCaptureError, restoredFrom, createdAt, longTermRetention, backupRedundancy, backupCopies, geoSite,
                geoLagSeconds, geoBehindBytes, geoError, note, tier, firewallRules, locks, rehearsal,
                immutabilityDays, lastRehearsal, standby, maxReplay);
    }
}
