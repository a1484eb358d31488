package dev.hindsight.plan;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class UsageTest {
    static final long GIB = Usage.GIB;
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @Test
    void allowanceRoundsTheDataDirectoryUpToWholeGib() {
        assertThat(Usage.defaultAllowance(0)).isEqualTo(GIB);
        assertThat(Usage.defaultAllowance(GIB)).isEqualTo(GIB);
        assertThat(Usage.defaultAllowance(GIB + 1)).isEqualTo(2 * GIB);
        assertThat(Usage.defaultAllowance(807_446_222)).isEqualTo(GIB);
    }

    @Test
    void billableIsWhatExceedsTheAllowanceAndNeverNegative() {
        UsageReport under = Usage.report(new UsageReport.Part(2, GIB / 2, 10 * GIB), UsageReport.Part.NONE,
                new UsageReport.Part(40, GIB / 4, 2 * GIB), GIB, List.of(), NOW);
        assertThat(under.totalStoredBytes()).isEqualTo(3 * GIB / 4);
        assertThat(under.billableBytes()).isZero();
        assertThat(under.compressionRatio()).isCloseTo(16.0, within(1e-9));
        UsageReport over = Usage.report(new UsageReport.Part(3, 3 * GIB, 30 * GIB), UsageReport.Part.NONE,
                new UsageReport.Part(1, GIB, GIB), 2 * GIB, List.of(), NOW);
        assertThat(over.billableBytes()).isEqualTo(2 * GIB);
    }

    @Test
    void longTermFullsCountInTheTotalAndTheBillablePart() {
        UsageReport r = Usage.report(new UsageReport.Part(1, GIB, 4 * GIB), new UsageReport.Part(2, GIB / 4, GIB),
                new UsageReport.Part(9, GIB / 4, GIB), new UsageReport.Part(3, 3 * GIB, 12 * GIB), 2 * GIB,
                List.of(), NOW);
        assertThat(r.ltr().count()).isEqualTo(3);
        assertThat(r.totalStoredBytes()).isEqualTo(GIB + GIB / 2 + 3 * GIB);
        assertThat(r.totalLogicalBytes()).isEqualTo(18 * GIB);
        assertThat(r.billableBytes()).isEqualTo(GIB / 2 + 2 * GIB);
        assertThat(Usage.ByType.of(r)).isEqualTo(new Usage.ByType(GIB, GIB / 4, GIB / 4, 3 * GIB));
    }

    @Test
    void gbMonthIsTheAverageOfThisMonthsHourlyBillableUsage() {
        List<Usage.Sample> samples = new ArrayList<>();
        samples.add(new Usage.Sample(Instant.parse("2026-10-31T23:00:00Z"), 100 * GIB, GIB)); // last month
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        for (int h = 0; h < 10; h++) {
            // 5 hours at 3 GiB stored, 5 hours at 1 GiB (within the 2 GiB allowance)
            samples.add(new Usage.Sample(start.plus(Duration.ofHours(h)), (h < 5 ? 3 : 1) * GIB, 2 * GIB));
        }
        UsageReport r = Usage.report(UsageReport.Part.NONE, UsageReport.Part.NONE, UsageReport.Part.NONE, 2 * GIB,
                samples, NOW);
        assertThat(r.samplesThisMonth()).isEqualTo(10);
        assertThat(r.gbMonthThisMonth()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void noSamplesNoGbMonth() {
        assertThat(Usage.report(UsageReport.Part.NONE, UsageReport.Part.NONE, UsageReport.Part.NONE, GIB,
                List.of(), NOW).gbMonthThisMonth()).isNull();
    }
}
