package dev.hindsight.plan;

import java.time.Instant;
import java.util.Optional;

/**
 * An engine's transaction log as the planners see it: from a backup's start position, how far
 * the log in the repository reaches without a hole, and since when. Positions are the engine's
 * text form (an LSN, a binary log file and offset).
 */
public interface LogChain<R extends LogChain.Run> {
    /** The contiguous log from {@code position} on. */
    R from(String position);

    /** A contiguous stretch of log, and the first hole after it if later log exists. */
    interface Run {
        /** Whether the run holds the log up to {@code position}. */
        boolean reaches(String position);

        /** When the run's end became durable; empty if the run is empty. */
        Optional<Instant> durableAt();

        Optional<String> gap();
    }
}
