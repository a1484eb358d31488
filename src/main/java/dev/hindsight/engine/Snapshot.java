package dev.hindsight.engine;

import dev.hindsight.plan.Position;
import dev.hindsight.repo.catalog.BackupRecord;

import java.time.Instant;

/**
 * A backup whose files are in the repository, as the engine that took it reports it.
 *
 * @param differential whether it is a differential (against the full that was asked for)
 * @param note         why a full was taken instead of the differential asked for; null otherwise
 * @param start        where a restore of it starts reading the log
 * @param stop         where it is consistent: the log capture must hold the log up to here before it completes
 * @param timeline     the engine's timeline at the stop (PostgreSQL; 1 for an engine without timelines)
 * @param consistentAt the time of its consistent point
 * @param files        files it holds
 * @param logicalBytes file bytes it holds itself, before compression
 * @param takenFrom    "standby" when taken from the server's standby; null: from the primary
 * @param sourceNote   why it was taken where it was (a standby down or behind); null if as configured
 */
public record Snapshot(boolean differential, String note, Position start, Position stop, int timeline,
                       Instant consistentAt, long files, long logicalBytes, long storedBytes, String takenFrom,
                       String sourceNote) {
    public Snapshot(boolean differential, String note, Position start, Position stop, int timeline,
                    Instant consistentAt, long files, long logicalBytes, long storedBytes) {
        this(differential, note, start, stop, timeline, consistentAt, files, logicalBytes, storedBytes, null, null);
    }

    /** The same snapshot, taken from {@code where} (a standby; null: the primary), with a note on why there. */
    public Snapshot from(String where, String why) {
        return new Snapshot(differential, note, start, stop, timeline, consistentAt, files, logicalBytes, storedBytes,
                where, why);
    }

    /** The catalog entry of {@code running} once this snapshot completed it at {@code finishedAt}. */
    public BackupRecord completed(BackupRecord running, Instant finishedAt) {
        return running.completed(finishedAt, consistentAt, start.text(), stop.text(), timeline, files, logicalBytes,
                storedBytes);
    }
}
