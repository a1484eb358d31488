package dev.hindsight.repo.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/**
 * One backup of one server. Positions are engine-specific text (PostgreSQL: an LSN); the
 * engine parses them. A backup is restorable from {@code consistentAt} on: that is when its
 * stop position was written, and recovery must replay logs up to at least there.
 *
 * @param startPosition where recovery starts (PostgreSQL: the checkpoint's redo LSN)
 * @param stopPosition  the position the restored copy is consistent at
 * @param timeline      the timeline the backup was taken on
 * @param files         number of files in the manifest
 * @param logicalBytes  bytes read from the server
 * @param storedBytes   bytes the backup's objects take in the repository
 * @param reason        why the backup failed, or a note about it; null if none
 */
public record BackupRecord(
        String id,
        String serverId,
        BackupKind kind,
        BackupStatus status,
        Instant startedAt,
        Instant consistentAt,
        Instant finishedAt,
        String startPosition,
        String stopPosition,
        int timeline,
        long files,
        long logicalBytes,
        long storedBytes,
        String reason) {

    public static BackupRecord running(String id, String serverId, BackupKind kind, Instant startedAt) {
        return new BackupRecord(id, serverId, kind, BackupStatus.RUNNING, startedAt, null, null,
                null, null, 0, 0, 0, 0, null);
    }

    public BackupRecord failed(Instant when, String why) {
        return new BackupRecord(id, serverId, kind, BackupStatus.FAILED, startedAt, consistentAt, when,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, why);
    }

    public BackupRecord completed(Instant when, Instant consistent, String start, String stop, int tli,
                                  long fileCount, long logical, long stored) {
        return new BackupRecord(id, serverId, kind, BackupStatus.COMPLETED, startedAt, consistent, when,
                start, stop, tli, fileCount, logical, stored, reason);
    }

    @JsonIgnore
    public boolean isCompleted() {
        return status == BackupStatus.COMPLETED;
    }
}
