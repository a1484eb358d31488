package dev.hindsight.daemon;

import dev.hindsight.control.BackupService;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.control.Operations;
import dev.hindsight.control.ServerLookup;
import dev.hindsight.control.ServerState;
import dev.hindsight.plan.Schedule;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Starts the full and differential backups the {@link Schedule} says are due. One pass per call. */
public record BackupScheduler(ServerLookup lookup, Repository repository, BackupService backups,
                              Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(BackupScheduler.class);

    /** A backup the schedule says is due, and why. */
    record Due(BackupKind kind, String reason) {
    }

    /**
     * What the schedule of {@code server} asks for at {@code now}: a full if one is due, else a
     * differential if one is due, else nothing.
     */
    static Optional<Due> due(ServerRecord server, List<BackupRecord> backups, Instant now) {
        Optional<String> full = Schedule.fullBackupDue(backups, server.fullBackupInterval(), now);
        if (full.isPresent()) {
            return Optional.of(new Due(BackupKind.FULL, full.get()));
        }
        return Schedule.differentialDue(backups, server.fullBackupInterval(), server.diffBackupInterval(), now)
                .map(reason -> new Due(BackupKind.DIFF, reason));
    }

    public void pass() throws IOException {
        Catalog catalog = repository.catalog();
        for (ManagedServer host : lookup.all()) {
            if (host.state() != ServerState.RUNNING) {
                continue;
            }
            Optional<ServerRecord> record = catalog.server(host.id());
            if (record.isEmpty()) {
                continue;
            }
            Optional<Due> due = due(record.get(), catalog.backupsOf(host.id()), clock.instant());
            if (due.isPresent()) {
                log.info("Scheduled {} backup of {}: {}", due.get().kind() == BackupKind.FULL ? "full" : "differential",
                        host.name(), due.get().reason());
                try {
                    backups.start(host.name(), due.get().kind(), Operations.BY_SCHEDULE);
                } catch (HindsightException e) {
                    log.info("Scheduled backup of {} not started: {}", host.name(), e.getMessage());
                }
            }
        }
    }
}
