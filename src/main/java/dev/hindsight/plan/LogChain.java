package dev.hindsight.plan;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An engine's transaction log as the repository holds it, seen by the planners: how far the log
 * reaches from a backup's start without a hole, and since when; and the objects it is stored
 * as, which retention keeps or deletes a whole unit of the log at a time (a WAL segment, a
 * binary log file).
 */
public interface LogChain<P extends Position> {
    /** The position a catalog entry's text names (its {@link Position#text()}). */
    P position(String text);

    /** The contiguous log from {@code start} on. */
    Run<P> from(P start);

    /** Every object the log is stored as. */
    List<? extends StoredLog> objects();

    /** The unit of the log {@code position} falls in, numbered as {@link StoredLog#unit()} numbers objects. */
    long unitOf(P position);

    /** A contiguous stretch of log, and the first hole after it if later log exists. */
    interface Run<P extends Position> {
        /** Whether the run holds the log up to {@code position}. */
        boolean reaches(P position);

        /** When the run's end became durable; empty if the run is empty. */
        Optional<Instant> durableAt();

        Optional<String> gap();
    }

    /**
     * The log bytes held after {@code start}, to the newest stored: what a restore to the latest
     * point replays from there. A measure for the replay budget; a hole or an open segment still
     * counts what lies beyond it.
     */
    long bytesAfter(P start);
}
