package dev.hindsight.plan;

import dev.hindsight.engine.postgres.Lsn;
import dev.hindsight.engine.postgres.WalChain;
import dev.hindsight.engine.postgres.WalFile;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.LtrHold;
import dev.hindsight.repo.catalog.LtrPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A deleted server's backups are kept as if it were online, until its window has passed its deletion. */
class DeletedRetentionTest {
    private static final Instant DELETED = LtrPlannerTest.NOW; // 2026-04-01T12:00Z, after the last daily full
    private static final RetentionPolicy SEVEN_DAYS = new RetentionPolicy(7);

    private final List<WalFile> wal = new ArrayList<>();
    private final List<BackupRecord> backups;

    DeletedRetentionTest() {
        for (long s = 0; s < 920; s++) {
            wal.add(new WalFile(1, s, 0, Lsn.SEGMENT_SIZE, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(s * 8000)));
        }
        Map<String, LtrHold> holds = LtrPlanner.holds(LtrPlannerTest.dailyFulls(),
                new LtrPolicy(Period.ZERO, Period.ofMonths(6), Period.ZERO, 1), DELETED);
        backups = LtrPlannerTest.dailyFulls().stream()
                .map(b -> holds.containsKey(b.id()) ? b.heldFor(holds.get(b.id())) : b).toList();
    }

    @Test
    void whileTheWindowReachesTheDeletionEveryPointOfItStaysRestorable() {
        Instant now = DELETED.plus(Duration.ofDays(3));
        RetentionPlan deleted = RetentionPlanner.planDeleted(backups, new WalChain(wal), SEVEN_DAYS, DELETED, now);
        RetentionPlan live = RetentionPlanner.plan(backups, new WalChain(wal), SEVEN_DAYS, now);
        assertThat(deleted).isEqualTo(live);
        assertThat(deleted.anchor()).hasValueSatisfying(a -> assertThat(a.consistentAt())
                .isBefore(now.minus(Duration.ofDays(7))));
        assertThat(deleted.keepBackups()).extracting(d -> d.item().id()).contains("2026-03-31");
    }

    @Test
    void onceTheWindowHasPassedItOnlyLongTermHoldsAndTheirOwnLogStay() {
        Instant now = DELETED.plus(Duration.ofDays(7)).plusSeconds(1);
        RetentionPlan plan = RetentionPlanner.planDeleted(backups, new WalChain(wal), SEVEN_DAYS, DELETED, now);
        assertThat(plan.anchor()).isEmpty();
        assertThat(plan.keepBackups()).extracting(d -> d.item().id())
                .containsExactlyInAnyOrder("2026-01-01", "2026-02-01", "2026-03-01");
        assertThat(plan.deleteBackups()).extracting(d -> d.item().id()).contains("2026-03-31", "2026-03-02")
                .hasSize(backups.size() - 3);
        BackupRecord march = backups.stream().filter(b -> b.id().equals("2026-03-01")).findFirst().orElseThrow();
        long start = Lsn.parse(march.startPosition()).segment();
        long stop = Lsn.parse(march.stopPosition()).segment();
        assertThat(plan.deleteWal()).extracting(d -> ((WalFile) d.item()).segno())
                .doesNotContain(start, stop).contains(start - 1, stop + 1, 919L);
    }

    @Test
    void withoutHoldsEverythingGoesAndUsageFallsToZero() {
        List<BackupRecord> unheld = LtrPlannerTest.dailyFulls();
        RetentionPlan plan = RetentionPlanner.planDeleted(unheld, new WalChain(wal), SEVEN_DAYS, DELETED,
                DELETED.plus(Duration.ofDays(8)));
        assertThat(plan.keepBackups()).isEmpty();
        assertThat(plan.deleteBackups()).hasSize(unheld.size());
        assertThat(plan.deleteWal()).hasSize(wal.size());
    }
}
