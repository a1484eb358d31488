package dev.hindsight.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A running continuous log capture for one server. */
public interface LogCapture extends AutoCloseable {
    /** The position up to which logs are durable in the repository, engine-formatted. */
    Optional<String> durablePosition();

    /**
     * The last time the capture held, durably, everything the server had written (so every
     * transaction committed before then is restorable); empty if never.
     */
    Optional<Instant> caughtUpAt();

    /** Waits until logs up to {@code position} are durable; false on timeout. */
    boolean awaitDurable(String position, Duration timeout) throws InterruptedException;

    /** The last error, if the capture is currently failing (it keeps retrying). */
    Optional<String> lastError();

    @Override
    void close();
}
