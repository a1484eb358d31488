package dev.hindsight.engine;

import dev.hindsight.plan.Position;
import dev.hindsight.repo.catalog.BackupRecord;

import java.time.Instant;

/** A backup whose files are in the repository, as the engine that took it reports it. */
public interface Snapshot {
    /** Whether it is a differential (against the full that was asked for). */
    boolean differential();

    /** Why a full was taken instead of the differential asked for; null otherwise. */
    String note();

    /** Where the backup is consistent: the log capture must hold the log up to here before it completes. */
    Position stop();

    /** Files the backup holds. */
    long files();

    /** File bytes the backup holds itself, before compression. */
    long logicalBytes();

    long storedBytes();

    /**
     * The catalog entry of {@code running} once this snapshot completed it at {@code finishedAt}:
     * its positions, counts and consistency time, and whatever else this engine records there.
     */
    BackupRecord completed(BackupRecord running, Instant finishedAt);
}
