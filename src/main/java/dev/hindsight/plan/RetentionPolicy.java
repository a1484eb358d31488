package dev.hindsight.plan;

import dev.hindsight.util.HindsightException;

import java.time.Duration;

/**
 * How long a server's backups must let it be restored to any point: 1 to 35 days; and for how
 * long after it is written the storage holds each of its objects immutable (zero: not at all),
 * which retention must wait out before it deletes one.
 */
public record RetentionPolicy(int retentionDays, Duration immutability) {
    public static final int MIN_DAYS = 1;
    public static final int MAX_DAYS = 35;
    public static final int DEFAULT_DAYS = 7;

    public RetentionPolicy {
        check(retentionDays);
        if (immutability == null || immutability.isNegative()) {
            throw new IllegalArgumentException("immutability must be zero or positive: " + immutability);
        }
    }

    public RetentionPolicy(int retentionDays) {
        this(retentionDays, Duration.ZERO);
    }

    /** Fails with the allowed range when {@code days} is outside it. */
    public static void check(int days) {
        if (days < MIN_DAYS || days > MAX_DAYS) {
            throw HindsightException.invalid("backup retention of " + days + " days is out of range",
                    "give a retention between " + MIN_DAYS + " and " + MAX_DAYS + " days (default " + DEFAULT_DAYS + ")");
        }
    }

    public Duration window() {
        return Duration.ofDays(retentionDays);
    }
}
