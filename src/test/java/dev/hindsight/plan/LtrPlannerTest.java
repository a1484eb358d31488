package dev.hindsight.plan;

import dev.hindsight.engine.postgres.Lsn;
import dev.hindsight.engine.postgres.WalChain;
import dev.hindsight.engine.postgres.WalFile;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.LtrHold;
import dev.hindsight.repo.catalog.LtrPolicy;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LtrPlannerTest {
    /** A full every day at 00:05 UTC from 2026-01-01 to 2026-03-31, id = its date. */
    static List<BackupRecord> dailyFulls() {
        List<BackupRecord> out = new ArrayList<>();
        for (LocalDate d = LocalDate.parse("2026-01-01"); d.isBefore(LocalDate.parse("2026-04-01")); d = d.plusDays(1)) {
            Instant at = d.atTime(0, 5).toInstant(ZoneOffset.UTC);
            long segno = out.size() * 10L + 1;
            out.add(BackupRecord.running(d.toString(), "srv", BackupKind.FULL, at.minusSeconds(60))
                    .completed(at, at, Lsn.of(segno, 40).toString(), Lsn.of(segno + 1, 100).toString(), 1, 1, 1, 1));
        }
        return out;
    }

    static final Instant NOW = Instant.parse("2026-04-01T12:00:00Z");

    @Test
    void weeklyMonthlyAndYearlyChooseTheFirstFullOfTheirPeriodWhileItLasts() {
        LtrPolicy policy = new LtrPolicy(Period.ofWeeks(2), Period.ofMonths(2), Period.ofYears(1), 1);
        Map<String, LtrHold> holds = LtrPlanner.holds(dailyFulls(), policy, NOW);
        assertThat(holds).containsOnlyKeys("2026-03-23", "2026-03-30", "2026-03-01", "2026-01-01");
        assertThat(holds.get("2026-03-30")).isEqualTo(new LtrHold("weekly", Instant.parse("2026-04-13T00:05:00Z")));
        assertThat(holds.get("2026-03-01").kind()).isEqualTo("monthly");
        assertThat(holds.get("2026-01-01")).as("ISO week 1 of 2026 starts 2025-12-29")
                .isEqualTo(new LtrHold("yearly", Instant.parse("2027-01-01T00:05:00Z")));
    }

    @Test
    void noPolicyHoldsNothing() {
        assertThat(LtrPlanner.holds(dailyFulls(), null, NOW)).isEmpty();
        assertThat(LtrPlanner.holds(dailyFulls(), new LtrPolicy(Period.ZERO, Period.ZERO, Period.ZERO, 1), NOW))
                .isEmpty();
    }

    @Test
    void retentionKeepsHeldFullsAndTheWalTheyNeedAndNothingElseOld() {
        Map<String, LtrHold> holds = LtrPlanner.holds(dailyFulls(),
                new LtrPolicy(Period.ZERO, Period.ofMonths(3), Period.ZERO, 1), NOW);
        List<BackupRecord> backups = dailyFulls().stream()
                .map(b -> holds.containsKey(b.id()) ? b.heldFor(holds.get(b.id())) : b).toList();
        List<WalFile> wal = new ArrayList<>();
        for (long s = 0; s < 920; s++) {
            wal.add(new WalFile(1, s, 0, Lsn.SEGMENT_SIZE, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(s * 8000)));
        }
        RetentionPlan plan = RetentionPlanner.plan(backups, new WalChain(wal), new RetentionPolicy(7), NOW);
        assertThat(plan.keepBackups()).extracting(d -> d.item().id()).contains("2026-02-01", "2026-03-01")
                .doesNotContain("2026-01-01", "2026-02-02");
        assertThat(plan.keepBackups()).filteredOn(d -> d.item().id().equals("2026-02-01")).singleElement()
                .extracting(RetentionPlan.Decision::reason).asString().contains("long-term retention (monthly)");
        BackupRecord feb = backups.stream().filter(b -> b.id().equals("2026-02-01")).findFirst().orElseThrow();
        long febStart = Lsn.parse(feb.startPosition()).segment();
        assertThat(plan.deleteWal()).extracting(d -> ((WalFile) d.item()).segno())
                .doesNotContain(febStart, febStart + 1).contains(febStart - 1, febStart + 2);
    }

    @Test
    void storageCountsAsLongTermOnlyTheHeldFullsTheWindowDoesNotNeed() {
        // weekly holds: the newest ones fall inside the window or are its anchor, and stay "full"
        Map<String, LtrHold> holds = LtrPlanner.holds(dailyFulls(),
                new LtrPolicy(Period.ofWeeks(6), Period.ZERO, Period.ZERO, 1), NOW);
        List<BackupRecord> backups = dailyFulls().stream()
                .map(b -> holds.containsKey(b.id()) ? b.heldFor(holds.get(b.id())) : b).toList();
        RetentionPlan plan = RetentionPlanner.plan(backups, new WalChain(List.of()), new RetentionPolicy(7), NOW);
        String anchor = plan.anchor().orElseThrow().id();
        assertThat(holds).containsKey("2026-03-23");
        java.util.Set<String> ltr = RetentionPlanner.keptForLongTermOnly(backups, new RetentionPolicy(7), NOW);
        assertThat(ltr).isNotEmpty().doesNotContain(anchor, "2026-03-30", "2026-03-31")
                .allSatisfy(id -> assertThat(id).isLessThan(anchor));
        assertThat(ltr).isEqualTo(plan.keepBackups().stream().filter(d -> d.reason().startsWith("long-term"))
                .map(d -> d.item().id()).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void holdsAreNeverShortened() {
        BackupRecord b = dailyFulls().get(0).heldFor(new LtrHold("yearly", Instant.parse("2030-01-01T00:00:00Z")));
        assertThat(b.heldFor(new LtrHold("weekly", Instant.parse("2026-02-01T00:00:00Z"))).ltr().kind())
                .isEqualTo("yearly");
    }

    @Test
    void policyBeyondTenYearsOrUnreadableIsRefused() {
        assertThatThrownBy(() -> new LtrPolicy(Period.ZERO, Period.ZERO, Period.ofYears(11), 1))
                .isInstanceOf(HindsightException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> LtrPolicy.parse("4 weeks", "weekly")).hasMessageContaining("cannot read");
        assertThat(LtrPolicy.parse("p4w", "weekly")).isEqualTo(Period.ofWeeks(4));
        assertThat(LtrPolicy.parse("0", "weekly")).isEqualTo(Period.ZERO);
        assertThatThrownBy(() -> new LtrPolicy(Period.ZERO, Period.ZERO, Period.ZERO, 53))
                .hasMessageContaining("week of year");
    }
}
