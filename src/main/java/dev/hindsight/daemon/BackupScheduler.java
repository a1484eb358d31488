package dev.hindsight.daemon;

import dev.hindsight.util.HindsightException;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.control.ServerState;
import dev.hindsight.control.ServerService;
import dev.hindsight.plan.Schedule;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Starts the full and differential backups the {@link Schedule} says are due. One pass per call. */
public final class BackupScheduler {
    private static final Logger log = LoggerFactory.getLogger(BackupScheduler.class);

    private final ServerService servers;

    public BackupScheduler(ServerService servers) {
        this.servers = servers;
    }

    public void pass() throws IOException {
        Catalog catalog = servers.repository().catalog();
        for (ManagedServer host : servers.db().servers()) {
            if (host.state() != ServerState.RUNNING) {
                continue;
            }
            Optional<ServerRecord> record = catalog.server(host.id());
            if (record.isEmpty()) {
                continue;
            }
            ServerRecord r = record.get();
            List<BackupRecord> backups = catalog.backupsOf(host.id());
            Instant now = servers.clock().instant();
            BackupKind kind = BackupKind.FULL;
            Optional<String> due = Schedule.fullBackupDue(backups, r.fullBackupInterval(), now);
            if (due.isEmpty()) {
                kind = BackupKind.DIFF;
                due = Schedule.differentialDue(backups, r.fullBackupInterval(), r.diffBackupInterval(), now);
            }
            if (due.isPresent()) {
                log.info("Scheduled {} backup of {}: {}", kind == BackupKind.FULL ? "full" : "differential",
                        host.name(), due.get());
                try {
                    servers.startBackup(host.name(), kind);
                } catch (HindsightException e) {
                    log.info("Scheduled backup of {} not started: {}", host.name(), e.getMessage());
                }
            }
        }
    }
}
