package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.BackupStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Bounds a restore's replay: when the log since a server's newest backup would take longer than
 * its budget to replay (estimated from the log's bytes and a redo rate), a differential is due,
 * whatever the schedule says, so that a restore to any point replays about the budget at most.
 * Pure: the caller measures the log and gives {@code now}.
 */
public final class ReplayBudget {
    private static final double MIB = 1024 * 1024;

    private ReplayBudget() {
    }

    /**
     * The newest completed backup a restore would start from: the one whose log is measured.
     * Empty when there is no full yet (a differential needs one; the schedule takes it).
     */
    public static Optional<BackupRecord> newestBase(List<BackupRecord> backups) {
        if (backups.stream().noneMatch(b -> b.isCompleted() && b.isFull())) {
            return Optional.empty();
        }
        return backups.stream().filter(BackupRecord::isCompleted).max(Comparator.comparing(BackupRecord::consistentAt));
    }

    /** Whether replaying {@code logBytes} at {@code redoBytesPerSecond} takes at most {@code budget}. */
    public static boolean within(long logBytes, double redoBytesPerSecond, Duration budget) {
        return logBytes / redoBytesPerSecond <= budget.toMillis() / 1000.0;
    }

    /**
     * Why a differential is due for the budget, or empty if it is not.
     *
     * @param logBytes          the log the repository holds from {@code base}'s start on
     * @param redoBytesPerSecond how fast a restore replays this engine's log here
     */
    public static Optional<String> differentialDue(List<BackupRecord> backups, BackupRecord base, long logBytes,
                                                   double redoBytesPerSecond, Duration budget, Instant now) {
        if (budget.isZero() || redoBytesPerSecond <= 0
                || backups.stream().anyMatch(b -> b.status() == BackupStatus.RUNNING)) {
            return Optional.empty();
        }
        Optional<BackupRecord> lastAttempt = backups.stream().max(Comparator.comparing(BackupRecord::startedAt));
        if (lastAttempt.isPresent() && lastAttempt.get().status() == BackupStatus.FAILED
                && lastAttempt.get().startedAt().plus(Schedule.RETRY_AFTER_FAILURE).isAfter(now)) {
            return Optional.empty();
        }
        if (within(logBytes, redoBytesPerSecond, budget)) {
            return Optional.empty();
        }
        double seconds = logBytes / redoBytesPerSecond;
        return Optional.of(String.format(java.util.Locale.ROOT, "replay budget: the log since backup %s (%.0f MiB)"
                        + " would take about %.0f s to replay at %.0f MiB/s, more than the %d s budget", base.id(),
                logBytes / MIB, seconds, redoBytesPerSecond / MIB, budget.toSeconds()));
    }
}
