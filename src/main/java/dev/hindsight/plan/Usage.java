package dev.hindsight.plan;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/** Storage usage arithmetic. Pure. */
public final class Usage {
    public static final long GIB = 1L << 30;

    /** One hourly sample of a server's stored bytes and allowance. */
    public record Sample(Instant at, long storedBytes, long allowanceBytes) {
        long billable() {
            return Math.max(0, storedBytes - allowanceBytes);
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
        long stored = full.storedBytes() + differential.storedBytes() + log.storedBytes();
        long logical = full.logicalBytes() + differential.logicalBytes() + log.logicalBytes();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        List<Sample> thisMonth = samples.stream()
                .filter(s -> YearMonth.from(s.at().atZone(ZoneOffset.UTC)).equals(month)).toList();
        Double gbMonth = thisMonth.isEmpty() ? null
                : thisMonth.stream().mapToDouble(s -> s.billable() / (double) GIB).sum() / thisMonth.size();
        return new UsageReport(full, differential, log, stored, logical,
                stored == 0 ? 0 : logical / (double) stored, allowanceBytes, Math.max(0, stored - allowanceBytes),
                gbMonth, thisMonth.size());
    }
}
