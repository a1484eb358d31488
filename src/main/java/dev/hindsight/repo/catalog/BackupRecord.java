package dev.hindsight.repo.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/**
 * One backup of one server. Positions are engine-specific text (PostgreSQL: an LSN); the
 * engine parses them. A backup is restorable from {@code consistentAt} on: that is when its
 * stop position was written, and recovery must replay logs up to at least there.
 *
 * @param baseBackupId  the full backup a differential holds the changes against; null for a full
 * @param startPosition where recovery starts (PostgreSQL: the checkpoint's redo LSN)
 * @param stopPosition  the position the restored copy is consistent at
 * @param timeline      the timeline the backup was taken on
 * @param files         number of files in the manifest
 * @param logicalBytes  bytes of file data the backup holds itself, before compression (all of the
 *                      data directory for a full, the changed pages and files for a differential)
 * @param storedBytes   bytes the backup's objects take in the repository
 * @param reason        why the backup failed, or a note about it (e.g. why a full was taken when a
 *                      differential was due); null if none
 * @param ltr           the long-term retention hold on this backup, or null; once set it is never
 *                      shortened, whatever later policy changes say
 * @param verification  the last restore rehearsal of it, or null if none ran
 * @param immutableUntil until when the storage holds every object of it immutable (the latest of
 *                      its objects' protections), or null if it is not protected
 * @param takenFrom     {@value #STANDBY} for a backup taken from the server's standby; null: from the primary
 */
public record BackupRecord(
        String id,
        String serverId,
        BackupKind kind,
        String baseBackupId,
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
        LtrHold ltr,
        Verification verification,
        Instant immutableUntil,
        String takenFrom) {

    public BackupRecord {
        if (kind == BackupKind.DIFF && baseBackupId == null) {
            throw new IllegalArgumentException("differential backup " + id + " names no full backup");
        }
    }

    /** A full backup that has just started. */
    public static BackupRecord running(String id, String serverId, BackupKind kind, Instant startedAt) {
        return running(id, serverId, kind, null, startedAt, null);
    }

    /** A backup that has just started; a differential names its full. */
    public static BackupRecord running(String id, String serverId, BackupKind kind, String baseBackupId,
                                       Instant startedAt, String note) {
        return new BackupRecord(id, serverId, kind, kind == BackupKind.DIFF ? baseBackupId : null,
                BackupStatus.RUNNING, startedAt, null, null, null, null, 0, 0, 0, 0, note, null, null, null, null);
    }

    public BackupRecord failed(Instant when, String why) {
        return new BackupRecord(id, serverId, kind, baseBackupId, BackupStatus.FAILED, startedAt, consistentAt, when,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, why, ltr, verification, immutableUntil, takenFrom);
    }

    public BackupRecord completed(Instant when, Instant consistent, String start, String stop, int tli,
                                  long fileCount, long logical, long stored) {
        return new BackupRecord(id, serverId, kind, baseBackupId, BackupStatus.COMPLETED, startedAt, consistent,
                when, start, stop, tli, fileCount, logical, stored, reason, ltr, verification, immutableUntil, takenFrom);
    }

    public static final String STANDBY = "standby";

    /** Taken from {@code where} ({@value #STANDBY}, or null for the primary), with a note about it, if any. */
    public BackupRecord takenFrom(String where, String note) {
        String merged = note == null ? reason : reason == null ? note : reason + "; " + note;
        return new BackupRecord(id, serverId, kind, baseBackupId, status, startedAt, consistentAt, finishedAt,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, merged, ltr, verification,
                immutableUntil, where);
    }

    /** The differential this was meant to be became a full, for the reason {@code note} (after why it was started). */
    public BackupRecord fullInstead(String note) {
        String merged = reason == null ? note : note == null ? reason : reason + "; " + note;
        return new BackupRecord(id, serverId, BackupKind.FULL, null, status, startedAt, consistentAt, finishedAt,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, merged, ltr, verification,
                immutableUntil, takenFrom);
    }

    /** This backup held until {@code hold.until()}, unless an existing hold already lasts longer. */
    public BackupRecord heldFor(LtrHold hold) {
        LtrHold kept = ltr != null && !ltr.until().isBefore(hold.until()) ? ltr : hold;
        return new BackupRecord(id, serverId, kind, baseBackupId, status, startedAt, consistentAt, finishedAt,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, reason, kept, verification, immutableUntil, takenFrom);
    }

    /** The outcome of a restore rehearsal of this backup. */
    public BackupRecord verified(Verification outcome) {
        return new BackupRecord(id, serverId, kind, baseBackupId, status, startedAt, consistentAt, finishedAt,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, reason, ltr, outcome, immutableUntil, takenFrom);
    }

    /**
     * Its objects, written up to its finish with the server's immutability {@code period}, are
     * protected until at least its finish plus the period; a later protection stays.
     */
    public BackupRecord immutableFor(java.time.Duration period) {
        if (period.isZero() || finishedAt == null) {
            return this;
        }
        return immutableTo(finishedAt.plus(period));
    }

    /** Protected until {@code until}, unless a later protection already stands. */
    public BackupRecord immutableTo(Instant until) {
        Instant kept = immutableUntil != null && !immutableUntil.isBefore(until) ? immutableUntil : until;
        return new BackupRecord(id, serverId, kind, baseBackupId, status, startedAt, consistentAt, finishedAt,
                startPosition, stopPosition, timeline, files, logicalBytes, storedBytes, reason, ltr, verification, kept, takenFrom);
    }

    /** Whether the storage still refuses to delete its objects at {@code now}. */
    public boolean immutableAt(Instant now) {
        return immutableUntil != null && immutableUntil.isAfter(now);
    }

    /** Whether long-term retention keeps this backup at {@code now}. */
    public boolean heldAt(Instant now) {
        return ltr != null && ltr.until().isAfter(now);
    }

    @JsonIgnore
    public boolean isFull() {
        return kind == BackupKind.FULL;
    }

    @JsonIgnore
    public boolean isCompleted() {
        return status == BackupStatus.COMPLETED;
    }
}
