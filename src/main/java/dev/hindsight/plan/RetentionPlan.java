package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupRecord;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a purge keeps and deletes, each with its reason. Deleting everything in {@link #deleteBackups}
 * and {@link #deleteWal} leaves every point from {@link #earliestRestorePoint} on restorable.
 *
 * @param deleteWal log objects wholly before the anchor's start (WAL, binary logs), except those
 *                  long-term retention holds
 * @param keepLockedWal log objects retention would delete but the storage still holds immutable
 * @param anchor the full backup the retention window rests on: the newest completed full that
 *               was consistent before the window started (or the oldest one, if none was)
 */
public record RetentionPlan(
        Instant windowStart,
        Optional<BackupRecord> anchor,
        List<Decision<BackupRecord>> keepBackups,
        List<Decision<BackupRecord>> deleteBackups,
        List<Decision<StoredLog>> deleteWal,
        List<Decision<StoredLog>> keepLockedWal,
        Optional<Instant> earliestRestorePoint) {

    /** One object set and why it goes or stays. */
    public record Decision<T>(T item, String reason) {
    }

    public boolean deletesNothing() {
        return deleteBackups.isEmpty() && deleteWal.isEmpty();
    }
}
