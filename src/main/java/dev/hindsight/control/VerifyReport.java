package dev.hindsight.control;

import java.util.List;

/**
 * What {@code repository verify} found: per copy, the objects it holds and how many were damaged,
 * missing or repaired; every problem, with what was done about it; and which data keys seal them.
 */
public record VerifyReport(String scope, List<CopySummary> copies, List<Finding> findings, List<KeyUse> keys) {
    /**
     * One data key of the repository: whether it seals what is written now, and how many of the
     * verified stored objects (each copy counted) are sealed with it.
     */
    public record KeyUse(String keyId, boolean current, int objects) {
    }

    /** One copy's figures. {@code notYetCopied}: objects the geo copy has not received yet (its lag, not damage). */
    public record CopySummary(String copy, String region, String role, int objects, long bytes, int damaged,
                              int missing, int repaired, int notYetCopied, String error) {
    }

    /** One problem: a damaged or missing object in a copy, and whether it was repaired. */
    public record Finding(String copy, String key, String problem, String action) {
    }

    /** Every copy could be read, and every damaged or missing object was repaired. */
    @com.fasterxml.jackson.annotation.JsonProperty("healthy")
    public boolean healthy() {
        return copies.stream().allMatch(c -> c.error() == null && c.damaged() + c.missing() == c.repaired());
    }
}
