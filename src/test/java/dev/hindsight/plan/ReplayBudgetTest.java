package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayBudgetTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final double RATE = 10 * 1024 * 1024; // 10 MiB/s
    private static final long MIB = 1024 * 1024;

    private static BackupRecord completed(String id, BackupKind kind, Duration ago) {
        Instant at = NOW.minus(ago);
        return BackupRecord.running(id, "s1", kind, kind == BackupKind.DIFF ? "f" : null, at.minusSeconds(30), null)
                .completed(at, at, "0/1000000", "0/2000000", 1, 10, 100, 10);
    }

    @Test
    void theNewestCompletedBackupOfEitherKindIsTheBaseOnceThereIsAFull() {
        BackupRecord full = completed("f", BackupKind.FULL, Duration.ofHours(5));
        BackupRecord diff = completed("d", BackupKind.DIFF, Duration.ofHours(1));
        assertThat(ReplayBudget.newestBase(List.of(full, diff))).contains(diff);
        assertThat(ReplayBudget.newestBase(List.of(full))).contains(full);
        assertThat(ReplayBudget.newestBase(List.of())).isEmpty();
    }

    @Test
    void aDifferentialIsDueWhenTheLogWouldTakeLongerThanTheBudgetToReplay() {
        BackupRecord full = completed("f", BackupKind.FULL, Duration.ofHours(5));
        List<BackupRecord> backups = List.of(full);
        Duration budget = Duration.ofSeconds(60);
        assertThat(ReplayBudget.differentialDue(backups, full, 600 * MIB, RATE, budget, NOW)).as("60 s exactly")
                .isEmpty();
        assertThat(ReplayBudget.differentialDue(backups, full, 601 * MIB, RATE, budget, NOW))
                .hasValueSatisfying(why -> assertThat(why).contains("replay budget", "backup f", "601 MiB",
                        "about 60 s", "10 MiB/s", "60 s budget"));
        assertThat(ReplayBudget.differentialDue(backups, full, 10_000 * MIB, RATE, Duration.ZERO, NOW))
                .as("budget off").isEmpty();
    }

    @Test
    void notWhileABackupRunsNorRightAfterOneFailed() {
        BackupRecord full = completed("f", BackupKind.FULL, Duration.ofHours(5));
        BackupRecord running = BackupRecord.running("r", "s1", BackupKind.DIFF, "f", NOW.minusSeconds(5), null);
        assertThat(ReplayBudget.differentialDue(List.of(full, running), full, 10_000 * MIB, RATE,
                Duration.ofSeconds(60), NOW)).isEmpty();
        BackupRecord failed = BackupRecord.running("x", "s1", BackupKind.DIFF, "f", NOW.minusSeconds(60), null)
                .failed(NOW.minusSeconds(50), "storage down");
        assertThat(ReplayBudget.differentialDue(List.of(full, failed), full, 10_000 * MIB, RATE,
                Duration.ofSeconds(60), NOW)).isEmpty();
        assertThat(ReplayBudget.differentialDue(List.of(full, failed), full, 10_000 * MIB, RATE,
                Duration.ofSeconds(60), NOW.plus(Schedule.RETRY_AFTER_FAILURE).plusSeconds(1))).isPresent();
    }
}
