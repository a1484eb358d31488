package dev.hindsight.control;

import java.time.Instant;

/**
 * What {@code server show} prints: state, engine, settings and the restore window.
 *
 * @param logCaptureLagSeconds how far behind the server's writes the durable log is (null if unknown)
 * @param logCapturePosition   the position up to which the log is durable in the repository
 * @param storageSizeGib       the provisioned storage size (backup allowance) if set; null: the data directory's size
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
        Double logCaptureLagSeconds,
        String logCapturePosition,
        String logCaptureError,
        String restoredFrom,
        Instant createdAt,
        dev.hindsight.repo.catalog.LtrPolicy longTermRetention) {
}
