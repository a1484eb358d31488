package dev.hindsight.engine;

import dev.hindsight.plan.Position;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A running continuous log capture for one server. */
public interface LogCapture extends AutoCloseable {
    /** The position up to which the log is durable in the repository. */
    Optional<Position> durablePosition();

    /**
     * The last time the capture held, durably, everything the server had written (so every
     * transaction committed before then is restorable); empty if never.
     */
    Optional<Instant> caughtUpAt();

    /**
     * Bytes of log the capture has received from the server but not yet made durable in every
     * synchronous copy: what a crash of the host would lose now. Empty before it has streamed.
     */
    Optional<Long> pendingBytes();

    /** Waits until the log up to {@code position} (one of this engine's) is durable; false on timeout. */
    boolean awaitDurable(Position position, Duration timeout) throws InterruptedException;

    /** The last error, if the capture is currently failing (it keeps retrying). */
    Optional<String> lastError();

    @Override
    void close();
}
