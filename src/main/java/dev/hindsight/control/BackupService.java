package dev.hindsight.control;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.jobs.BackupJob;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** On-demand and scheduled backups of a server, one at a time, as operations; and the list of its backups. */
public final class BackupService {
    private final Repository repository;
    private final Engines engines;
    private final Operations operations;
    private final ServerLookup lookup;
    private final BackupJob job;
    private final Restarts restarts;
    private final Clock clock;
    private final Set<String> backingUp = ConcurrentHashMap.newKeySet();

    public BackupService(Repository repository, Engines engines, CaptureManager captures, Operations operations,
                         ServerLookup lookup, Restarts restarts, Clock clock) {
        this.repository = repository;
        this.engines = engines;
        this.operations = operations;
        this.lookup = lookup;
        this.restarts = restarts;
        this.clock = clock;
        this.job = new BackupJob(repository, captures, clock);
    }

    /**
     * Starts a backup in the background; returns its operation. A differential asked for when
     * there is no full to take it against becomes a full, and its record says so.
     */
    public Operation start(String name, BackupKind kind, String requestedBy) throws IOException {
        return start(name, kind, requestedBy, null);
    }

    /** @param why why it was started (the replay budget's reason), kept as the backup's note */
    public Operation start(String name, BackupKind kind, String requestedBy, String why) throws IOException {
        ManagedServer host = lookup.managed(name);
        ServerRecord record = lookup.live(name);
        if (!backingUp.add(record.id())) {
            throw HindsightException.conflict("a backup of server " + name + " is already running",
                    "wait for it: `hindsight backup list --server " + name + "`");
        }
        try {
            BackupRecord backup = job.register(record, kind, why);
            Engine engine = engines.get(record.engine());
            return operations.submit("backup", name, requestedBy, progress -> {
                try {
                    BackupRecord done = job.run(engine, record, host.spec(), backup, progress);
                    RetentionService.applyLtr(repository, record.id(), clock.instant());
                    return repository.catalog().backup(done.id()).orElse(done);
                } finally {
                    backingUp.remove(record.id());
                }
            });
        } catch (IOException | RuntimeException e) {
            backingUp.remove(record.id());
            throw e;
        }
    }

    /**
     * Runs {@code action} (a change that restarts the server) with no backup running or starting:
     * a restart would kill a base backup midway. Refused while one runs. The supervisor keeps
     * off the server meanwhile.
     */
    <T> T withoutBackups(ServerRecord record, String name, java.util.function.Supplier<T> action) {
        if (!backingUp.add(record.id())) {
            throw HindsightException.conflict("a backup of server " + name + " is running, and this change restarts"
                            + " the server", "try again when it is done: `hindsight backup list --server " + name + "`");
        }
        try {
            return restarts.during(name, action);
        } finally {
            backingUp.remove(record.id());
        }
    }

    public List<BackupRecord> list(String name) throws IOException {
        ServerRecord record = lookup.live(name);
        return repository.catalog().backupsOf(record.id());
    }
}
