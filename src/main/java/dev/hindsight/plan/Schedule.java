package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.BackupStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a server's next scheduled backup is due: a full every full interval, and a
 * differential every differential interval in between (like Azure SQL: weekly fulls,
 * differentials every 12 hours, logs continuously). Pure.
 */
public final class Schedule {
    /** After a failed backup, wait this long before the schedule tries again. */
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(15);

    private Schedule() {
    }

    /** Why a full backup is due now, or empty if it is not. */
    public static Optional<String> fullBackupDue(List<BackupRecord> backups, Duration interval, Instant now) {
        List<BackupRecord> fulls = backups.stream().filter(b -> b.kind() == BackupKind.FULL)
                .sorted(Comparator.comparing(BackupRecord::startedAt)).toList();
        if (fulls.stream().anyMatch(b -> b.status() == BackupStatus.RUNNING)) {
            return Optional.empty();
        }
        Optional<BackupRecord> lastCompleted = fulls.stream().filter(BackupRecord::isCompleted)
                .reduce((a, b) -> b);
        Optional<BackupRecord> lastAttempt = fulls.isEmpty() ? Optional.empty()
                : Optional.of(fulls.get(fulls.size() - 1));
        if (lastCompleted.isPresent() && lastCompleted.get().startedAt().plus(interval).isAfter(now)) {
            return Optional.empty();
        }
        if (lastAttempt.isPresent() && lastAttempt.get().status() == BackupStatus.FAILED
                && lastAttempt.get().startedAt().plus(RETRY_AFTER_FAILURE).isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(lastCompleted.map(b -> "last full backup started " + b.startedAt()
                + ", more than " + interval + " ago").orElse("no completed full backup yet"));
    }

    /**
     * Why a differential is due now, or empty if it is not: one differential interval after the
     * newest completed backup of either kind, when there is a full to take it against and no
     * full is due (the full goes first). {@code diffInterval} zero means no differentials.
     */
    public static Optional<String> differentialDue(List<BackupRecord> backups, Duration fullInterval,
                                                   Duration diffInterval, Instant now) {
        if (diffInterval.isZero() || fullBackupDue(backups, fullInterval, now).isPresent()
                || backups.stream().anyMatch(b -> b.status() == BackupStatus.RUNNING)) {
            return Optional.empty();
        }
        List<BackupRecord> sorted = backups.stream().sorted(Comparator.comparing(BackupRecord::startedAt)).toList();
        Optional<BackupRecord> lastCompleted = sorted.stream().filter(BackupRecord::isCompleted).reduce((a, b) -> b);
        if (lastCompleted.isEmpty() || sorted.stream().noneMatch(b -> b.isCompleted() && b.isFull())
                || lastCompleted.get().startedAt().plus(diffInterval).isAfter(now)) {
            return Optional.empty();
        }
        BackupRecord lastAttempt = sorted.get(sorted.size() - 1);
        if (lastAttempt.status() == BackupStatus.FAILED
                && lastAttempt.startedAt().plus(RETRY_AFTER_FAILURE).isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of("last backup started " + lastCompleted.get().startedAt() + ", more than " + diffInterval
                + " ago");
    }
}
