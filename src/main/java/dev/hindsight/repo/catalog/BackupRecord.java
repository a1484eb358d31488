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
 * @param ltr           the long-term retention hold on this backup, or null; once set it is never
 *                      shortened, whatever later policy changes say
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
        String reason,
        LtrHold ltr) {

    public static BackupRecord running(String id, String serverId, BackupKind kind, Instant startedAt) {
        return new BackupRecord(id, serverId, kind, BackupStatus.RUNNING, startedAt, null, null,
                null, null, 0, 0, 0, 0, null, null);
    }

    public BackupRecord failed(Instant when, String why) {
        return new BackupRecord(id, serverId, kind, BackupStatus.FAILED, startedAt, consistentAt, when,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, why, ltr);
    }

    public BackupRecord completed(Instant when, Instant consistent, String start, String stop, int tli,
                                  long fileCount, long logical, long stored) {
        return new BackupRecord(id, serverId, kind, BackupStatus.COMPLETED, startedAt, consistent, when,
                start, stop, tli, fileCount, logical, stored, reason, ltr);
    }

    /** This backup held until {@code hold.until()}, unless an existing hold already lasts longer. */
    public BackupRecord heldFor(LtrHold hold) {
        LtrHold kept = ltr != null && !ltr.until().isBefore(hold.until()) ? ltr : hold;
        return new BackupRecord(id, serverId, kind, status, startedAt, consistentAt, finishedAt,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, reason, kept);
    }

    /** Whether long-term retention keeps this backup at {@code now}. */
    public boolean heldAt(Instant now) {
        return ltr != null && ltr.until().isAfter(now);
    }

    @JsonIgnore
    public boolean isCompleted() {
        return status == BackupStatus.COMPLETED;
    }
}
