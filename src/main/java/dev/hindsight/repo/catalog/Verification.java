package dev.hindsight.repo.catalog;

import java.time.Instant;

/**
 * What a restore rehearsal found for a backup: restored with its log into a scratch server and
 * checked by the engine's integrity check.
 *
 * @param status   VERIFIED or FAILED
 * @param detail   what the check said (the failure's reason)
 * @param duration milliseconds the whole rehearsal took (restore and check)
 */
public record Verification(String status, Instant at, String detail, long duration) {
    public static final String VERIFIED = "VERIFIED";
    public static final String FAILED = "FAILED";

    public boolean passed() {
        return VERIFIED.equals(status);
    }
}
