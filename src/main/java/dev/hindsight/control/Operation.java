package dev.hindsight.control;

import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.Instant;

/**
 * A long-running request (create, backup, restore, delete) the CLI can follow.
 *
 * @param result JSON of what the operation produced, once it succeeded
 */
public record Operation(String id, String kind, String server, String status, String phase,
                        long done, long total, String error, String hint, @JsonRawValue String result,
                        Instant startedAt, Instant finishedAt) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public boolean finished() {
        return !RUNNING.equals(status);
    }
}
