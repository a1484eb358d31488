package dev.hindsight.control;

import dev.hindsight.engine.Engine;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;

/**
 * The steps every new managed server goes through, whether created or restored: a control row
 * in a transient state first, then — once it runs — its catalog record, RUNNING and protection
 * (log capture and a first full backup); or, if anything failed before, all of it removed.
 */
public final class NewServers {
    private static final Logger log = LoggerFactory.getLogger(NewServers.class);

    private final Home home;
    private final ControlDb db;
    private final Repository repository;
    private final StorageService storage;
    private final CaptureManager captures;
    private final BackupService backups;
    private final Ports ports;
    private final Clock clock;

    public NewServers(Home home, ControlDb db, Repository repository, StorageService storage, CaptureManager captures,
                      BackupService backups, Ports ports, Clock clock) {
        this.home = home;
        this.db = db;
        this.repository = repository;
        this.storage = storage;
        this.captures = captures;
        this.backups = backups;
        this.ports = ports;
        this.clock = clock;
    }

    /**
     * Checks the engine is installed, picks the port and an id, and records the server on this
     * host in {@code state} (provisioning, restoring): not acknowledged until {@link #acknowledge}.
     */
    ManagedServer begin(String name, Engine engine, Integer port, ServerState state) {
        engine.lifecycle().checkInstalled();
        String id = Secrets.newId();
        ManagedServer host = new ManagedServer(name, id, engine.name(), ports.choose(port), home.serverDir(name, id),
                state, clock.instant());
        db.insertServer(host);
        return host;
    }

    /** Puts the running server's record in the catalog, marks it RUNNING and protects it. */
    void acknowledge(Engine engine, ServerRecord record, ManagedServer host) throws IOException {
        record(record);
        running(engine, record, host);
    }

    /** Puts a new server's record in the catalog, placed by its redundancy: from now on it exists. */
    void record(ServerRecord record) throws IOException {
        storage.assign(record);
        repository.updateCatalog(c -> c.withServer(record));
    }

    /** Marks a recorded server RUNNING on this host and protects it. */
    void running(Engine engine, ServerRecord record, ManagedServer host) throws IOException {
        db.setServerState(host.name(), ServerState.RUNNING);
        protect(engine, record, host.withState(ServerState.RUNNING));
    }

    /** Starts log capture and the first full backup of a server that just came to be. */
    void protect(Engine engine, ServerRecord record, ManagedServer host) throws IOException {
        captures.start(engine, record, host.spec());
        backups.start(record.name(), BackupKind.FULL, Operations.BY_SCHEDULE);
    }

    /**
     * Removes a server that never became acknowledged (a create or restore failed or was
     * interrupted): stops it, deletes its directory and its control row. Its name is free again.
     */
    public void discard(Engine engine, ManagedServer host) {
        try {
            if (!host.attached()) {
                engine.lifecycle().stop(host.spec());
            }
        } catch (RuntimeException e) {
            log.warn("Could not stop the unfinished server {}: {}", host.name(), e.getMessage());
        }
        try {
            FileTrees.deleteRecursively(host.dir());
        } catch (IOException e) {
            log.warn("Could not remove {} of the unfinished server {}: {}", host.dir(), host.name(), e.getMessage());
        }
        db.deleteServer(host.name());
    }
}
