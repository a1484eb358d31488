package dev.hindsight.plan;

import dev.hindsight.engine.postgres.Lsn;
import dev.hindsight.engine.postgres.WalChain;
import dev.hindsight.engine.postgres.WalFile;
import dev.hindsight.repo.catalog.BackupRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention never plans to delete what the storage still holds immutable, and says why it keeps it. */
class ImmutableRetentionTest {
    private static final Instant NOW = LtrPlannerTest.NOW; // 2026-04-01T12:00Z
    private static final Duration THIRTY_DAYS = Duration.ofDays(30);
    private static final RetentionPolicy SEVEN_DAYS_IMMUTABLE_30 = new RetentionPolicy(7, THIRTY_DAYS);

    private final List<WalFile> wal = new ArrayList<>();
    private final List<BackupRecord> immutable = LtrPlannerTest.dailyFulls().stream()
            .map(b -> b.immutableFor(THIRTY_DAYS)).toList();

    ImmutableRetentionTest() {
        for (long s = 0; s < 920; s++) {
            wal.add(new WalFile(1, s, 0, Lsn.SEGMENT_SIZE, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(s * 8000)));
        }
    }

    @Test
    void backupsStillImmutableAreKeptWithTheirEndAsTheReason() {
        RetentionPlan plain = RetentionPlanner.plan(LtrPlannerTest.dailyFulls(), new WalChain(wal),
                new RetentionPolicy(7), NOW);
        RetentionPlan plan = RetentionPlanner.plan(immutable, new WalChain(wal), SEVEN_DAYS_IMMUTABLE_30, NOW);

        assertThat(plan.anchor()).isEqualTo(plain.anchor().map(b -> b.immutableFor(THIRTY_DAYS)));
        // finished at 00:05 each day: those of 2026-03-03 on are immutable until after NOW
        assertThat(plan.deleteBackups()).extracting(d -> d.item().id()).contains("2026-01-01", "2026-03-02")
                .doesNotContain("2026-03-03", "2026-03-20");
        assertThat(plan.deleteBackups()).allSatisfy(d -> assertThat(d.item().immutableAt(NOW)).isFalse());
        assertThat(plan.keepBackups()).filteredOn(d -> d.item().id().equals("2026-03-03")).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("immutable until 2026-04-02T00:05:00Z"));
        assertThat(plain.deleteBackups()).extracting(d -> d.item().id()).contains("2026-03-03");
    }

    @Test
    void logObjectsStoredWithinThePeriodStayUntilItEndsAndTheRestGoes() {
        RetentionPlan plan = RetentionPlanner.plan(immutable, new WalChain(wal), SEVEN_DAYS_IMMUTABLE_30, NOW);
        Instant lockedFrom = NOW.minus(THIRTY_DAYS).minus(RetentionPlanner.IMMUTABILITY_MARGIN);
        assertThat(plan.deleteWal()).isNotEmpty()
                .allSatisfy(d -> assertThat(d.item().storedAt()).isBeforeOrEqualTo(lockedFrom));
        assertThat(plan.keepLockedWal()).isNotEmpty()
                .allSatisfy(d -> assertThat(d.item().storedAt()).isAfter(lockedFrom))
                .allSatisfy(d -> assertThat(d.reason()).startsWith("immutable until about"));
        RetentionPlan plain = RetentionPlanner.plan(immutable, new WalChain(wal), new RetentionPolicy(7), NOW);
        assertThat(plan.deleteWal().size() + plan.keepLockedWal().size()).isEqualTo(plain.deleteWal().size());
    }

    @Test
    void aBackupKeptForItsLockKeepsTheLogItRestoresWithEvenAfterThePeriodWasLowered() {
        // the period was 30 days when the backups were written and is 0 now: new objects are no
        // longer protected, but the storage still holds the old backups, so they stay restorable
        RetentionPlan plan = RetentionPlanner.plan(immutable, new WalChain(wal), new RetentionPolicy(7), NOW);
        BackupRecord lockedOlderThanAnchor = plan.keepBackups().stream().map(RetentionPlan.Decision::item)
                .filter(b -> b.id().equals("2026-03-03")).findFirst().orElseThrow();
        assertThat(lockedOlderThanAnchor.consistentAt()).isBefore(plan.anchor().orElseThrow().consistentAt());
        WalChain chain = new WalChain(wal);
        long from = chain.unitOf(chain.position(lockedOlderThanAnchor.startPosition()));
        long to = chain.unitOf(chain.position(lockedOlderThanAnchor.stopPosition()));
        assertThat(plan.deleteWal()).isNotEmpty()
                .noneSatisfy(d -> assertThat(d.item().unit()).isBetween(from, to));
    }

    @Test
    void onceEveryProtectionHasEndedRetentionDeletesAsBefore() {
        Instant later = NOW.plus(Duration.ofDays(31));
        RetentionPlan plan = RetentionPlanner.plan(immutable, new WalChain(wal), SEVEN_DAYS_IMMUTABLE_30, later);
        RetentionPlan plain = RetentionPlanner.plan(immutable, new WalChain(wal), new RetentionPolicy(7), later);
        assertThat(plan.keepLockedWal()).isEmpty();
        assertThat(plan.deleteBackups()).isEqualTo(plain.deleteBackups());
    }

    @Test
    void aDeletedServersImmutableBackupsOutliveItsWindow() {
        Instant deleted = NOW;
        Instant later = NOW.plus(Duration.ofDays(8));
        RetentionPlan plan = RetentionPlanner.planDeleted(immutable, new WalChain(wal), SEVEN_DAYS_IMMUTABLE_30,
                deleted, later);
        assertThat(plan.keepBackups()).extracting(d -> d.item().id()).contains("2026-03-31", "2026-03-11")
                .doesNotContain("2026-03-10");
        assertThat(plan.keepLockedWal()).isNotEmpty();
    }

    @Test
    void aProtectionIsNeverShortened() {
        BackupRecord b = immutable.get(0);
        assertThat(b.immutableTo(b.immutableUntil().minusSeconds(1)).immutableUntil()).isEqualTo(b.immutableUntil());
        assertThat(b.immutableFor(Duration.ZERO)).isEqualTo(b);
    }
}
