package dev.hindsight.plan;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/** Storage usage arithmetic. Pure. */
public final class Usage {
    public static final long GIB = 1L << 30;

    /**
     * One hourly sample of a server's stored bytes and allowance.
     *
     * @param byType the stored bytes split by type; null in samples taken before the split was kept
     */
    public record Sample(Instant at, long storedBytes, long allowanceBytes, ByType byType) {
        public Sample(Instant at, long storedBytes, long allowanceBytes) {
            this(at, storedBytes, allowanceBytes, null);
        }

        public long billable() {
            return Math.max(0, storedBytes - allowanceBytes);
        }
    }

    /** Stored bytes by type of backup, as the storage-usage chart stacks them. */
    public record ByType(long full, long differential, long log, long ltr) {
        public static ByType of(UsageReport r) {
            return new ByType(r.full().storedBytes(), r.differential().storedBytes(), r.log().storedBytes(),
                    r.ltr().storedBytes());
        }
    }

    private Usage() {
    }

    /** The default free allowance: the data directory's size, rounded up to whole GiB (at least 1). */
    public static long defaultAllowance(long dataDirectoryBytes) {
        return Math.max(1, (dataDirectoryBytes + GIB - 1) / GIB) * GIB;
    }

    public static UsageReport report(UsageReport.Part full, UsageReport.Part differential, UsageReport.Part log,
                                     long allowanceBytes, List<Sample> samples, Instant now) {
        return report(full, differential, log, UsageReport.Part.NONE, allowanceBytes, samples, now);
    }

    /**
     * @param ltr fulls kept past the retention window by a long-term hold: billed with the rest, as
     *            the allowance covers every backup this server's repository holds
     */
    public static UsageReport report(UsageReport.Part full, UsageReport.Part differential, UsageReport.Part log,
                                     UsageReport.Part ltr, long allowanceBytes, List<Sample> samples, Instant now) {
        long stored = full.storedBytes() + differential.storedBytes() + log.storedBytes() + ltr.storedBytes();
        long logical = full.logicalBytes() + differential.logicalBytes() + log.logicalBytes() + ltr.logicalBytes();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        List<Sample> thisMonth = samples.stream()
                .filter(s -> YearMonth.from(s.at().atZone(ZoneOffset.UTC)).equals(month)).toList();
        Double gbMonth = thisMonth.isEmpty() ? null
                : thisMonth.stream().mapToDouble(s -> s.billable() / (double) GIB).sum() / thisMonth.size();
        return new UsageReport(full, differential, log, ltr, stored, logical,
                stored == 0 ? 0 : logical / (double) stored, allowanceBytes, Math.max(0, stored - allowanceBytes),
                gbMonth, thisMonth.size(), 0);
    }
}
