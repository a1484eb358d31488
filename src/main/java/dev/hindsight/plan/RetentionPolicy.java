package dev.hindsight.plan;

import dev.hindsight.control.Validation;

import java.time.Duration;

/** How long a server's backups must let it be restored to any point: 1 to 35 days. */
public record RetentionPolicy(int retentionDays) {
    public RetentionPolicy {
        Validation.retentionDays(retentionDays);
    }

    public Duration window() {
        return Duration.ofDays(retentionDays);
    }
}
