package dev.hindsight.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.Instant;

/**
 * A long-running request (backup, restore, geo-restore, verify) that clients poll.
 *
 * @param target      the server it works on (the new server's name for a restore), or "repository"
 * @param step        what it is doing now, in words
 * @param done        units of work done so far, with {@code total} the units expected
 * @param total       -1 while unknown
 * @param unit        what done and total count: bytes, objects or steps
 * @param result      JSON of what the operation produced, once it succeeded
 * @param requestedBy the name of the token whose request started it
 */
public record Operation(String id, String kind, String target, String status, String step,
                        long done, long total, String unit, String error, String hint, @JsonRawValue String result,
                        Instant startedAt, Instant finishedAt, String requestedBy) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public boolean finished() {
        return !RUNNING.equals(status);
    }

    /** Percent done, 0–100: 100 once it succeeded; null while running with no known total. */
    @JsonProperty("progress")
    public Integer progress() {
        if (SUCCEEDED.equals(status)) {
            return 100;
        }
        if (total <= 0) {
            return finished() ? null : 0;
        }
        return (int) Math.max(0, Math.min(99, done * 100 / total));
    }
}
