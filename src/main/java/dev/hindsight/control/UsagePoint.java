package dev.hindsight.control;

import dev.hindsight.plan.Usage;

import java.time.Instant;

/**
 * One point of a server's storage-usage history, as the API serves it.
 *
 * @param byType stored bytes by type of backup; null for samples older than the split
 */
public record UsagePoint(Instant at, long storedBytes, long allowanceBytes, long billableBytes, Usage.ByType byType) {
    static UsagePoint of(Usage.Sample s) {
        return new UsagePoint(s.at(), s.storedBytes(), s.allowanceBytes(), s.billable(), s.byType());
    }
}
