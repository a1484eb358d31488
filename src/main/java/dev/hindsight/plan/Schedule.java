package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.BackupStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Decides whether a server's next scheduled full backup is due. Pure. */
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
}
