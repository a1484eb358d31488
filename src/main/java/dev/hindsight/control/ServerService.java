package dev.hindsight.control;

import dev.hindsight.engine.Attachable;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.Identity;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.repo.catalog.Standby;
import dev.hindsight.repo.catalog.Rehearsal;
import dev.hindsight.repo.catalog.Tier;
import dev.hindsight.storage.PlacementPlanner;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A server's life on this host: create or attach (protected at once: log capture and a first
 * full backup), change its backup settings, delete it (its backups stay in the repository).
 */
public final class ServerService {
    private static final Logger log = LoggerFactory.getLogger(ServerService.class);

    private final ControlDb db;
    private final Repository repository;
    private final StorageService storage;
    private final Engines engines;
    private final CaptureManager captures;
    private final NewServers newServers;
    private final ServerViews views;
    private final ServerLookup lookup;
    private final NameLocks names;
    private final Home home;
    private final Clock clock;
    private final Operations operations;
    private final BackupService backups;

    public ServerService(ControlDb db, Repository repository, StorageService storage, Engines engines,
                         CaptureManager captures, NewServers newServers, ServerViews views, ServerLookup lookup,
                         NameLocks names, Home home, Operations operations, BackupService backups, Clock clock) {
        this.backups = backups;
        this.db = db;
        this.operations = operations;
        this.repository = repository;
        this.storage = storage;
        this.engines = engines;
        this.captures = captures;
        this.newServers = newServers;
        this.views = views;
        this.lookup = lookup;
        this.names = names;
        this.home = home;
        this.clock = clock;
    }

    /** Creates a managed server; returns once it accepts connections. The first full backup starts at once. */
    public ServerView create(CreateRequest request) throws IOException {
        return claim(request).provision(Progress.NONE);
    }

    /**
     * Creates a managed server as an operation: the request is checked and its name claimed at
     * once (a bad request or a taken name is refused and changes nothing), then the server is
     * made in the background; the operation's result is the server as {@code show} gives it.
     */
    public Operation startCreate(CreateRequest request, String requestedBy) throws IOException {
        PendingCreate pending = claim(request);
        try {
            return operations.submit("create", request.name(), requestedBy, pending::provision);
        } catch (RuntimeException e) {
            names.release(request.name());
            throw e;
        }
    }

    /** A checked create request whose name is held until {@link #provision} ends. */
    private final class PendingCreate {
        private final CreateRequest request;
        private final BackupSettings settings;
        private final Credentials admin;
        private final PlacementPlanner.Choice redundancy;
        private final Engine engine;
        private final Tier tier;

        private PendingCreate(CreateRequest request, BackupSettings settings, Credentials admin,
                              PlacementPlanner.Choice redundancy, Engine engine, Tier tier) {
            this.tier = tier;
            this.request = request;
            this.settings = settings;
            this.admin = admin;
            this.redundancy = redundancy;
            this.engine = engine;
        }

        /** A create's steps; the first full backup runs on as an operation of its own. */
        private static final int CREATE_STEPS = 4;

        ServerView provision(Progress progress) throws IOException {
            try {
                progress.update("reserving the port and directory", 0, CREATE_STEPS, Progress.Unit.STEPS);
                ManagedServer host = newServers.begin(request.name(), engine, request.port(), ServerState.PROVISIONING);
                Credentials agent = new Credentials(ServerRecords.AGENT_USER, Secrets.newPassword());
                ServerRecord record;
                try {
                    progress.update("initializing the " + engine.name() + " server", 1, CREATE_STEPS,
                            Progress.Unit.STEPS);
                    Identity identity = engine.lifecycle().provision(host.spec(ServerProfile.of(tier, List.of())),
                            admin, agent);
                    record = ServerRecords.newServer(host.id(), request.name(), engine.name(), identity,
                            clock.instant(), admin, agent, settings, redundancy.redundancy(), null, null, tier,
                            List.of());
                    progress.update("recording the server in the catalog", 2, CREATE_STEPS, Progress.Unit.STEPS);
                    newServers.record(record);
                } catch (IOException | RuntimeException e) {
                    newServers.discard(engine, host);
                    throw e;
                }
                progress.update("starting log capture and the first full backup", 3, CREATE_STEPS,
                        Progress.Unit.STEPS);
                newServers.running(engine, record, host);
                return shown(request.name(), redundancy);
            } finally {
                names.release(request.name());
            }
        }
    }

    private PendingCreate claim(CreateRequest request) throws IOException {
        Validation.serverName(request.name());
        BackupSettings settings = BackupSettings.defaults().with(request.backupRetentionDays(),
                request.fullBackupInterval(), request.diffBackupInterval(), request.storageSizeGib(),
                request.maxReplay());
        String adminUser = request.adminUser() == null ? "hsadmin" : request.adminUser();
        Validation.adminUser(adminUser, ServerRecords.AGENT_USER);
        String adminPassword = request.adminPassword() == null ? Secrets.newPassword() : request.adminPassword();
        Validation.adminPassword(adminPassword);
        if (request.port() != null) {
            Validation.port(request.port());
        }
        Tier tier = request.tier() == null ? Tier.DEFAULT : Tier.parse(request.tier());
        PlacementPlanner.Choice redundancy = storage.choose(request.backupRedundancy(), request.workload());
        Engine engine = engines.get(request.engine() == null ? "postgres" : request.engine());
        engine.lifecycle().checkInstalled();
        names.claim(request.name());
        return new PendingCreate(request, settings, new Credentials(adminUser, adminPassword), redundancy, engine,
                tier);
    }

    /**
     * Starts backing up a server Hindsight did not create, after a pre-flight check that changes
     * nothing on it. Its login is used for backups and log capture; restores make managed servers.
     */
    public ServerView attach(AttachRequest request) throws IOException {
        Validation.serverName(request.name());
        BackupSettings settings = BackupSettings.defaults().with(request.backupRetentionDays(), null, null, null);
        if (request.dataDir() == null || request.connection() == null) {
            throw HindsightException.invalid("attach needs --data-dir and --connection",
                    "give the server's data directory and postgresql://USER:PASSWORD@127.0.0.1:PORT/postgres");
        }
        PlacementPlanner.Choice redundancy = storage.choose(request.backupRedundancy(), request.workload());
        Engine engine = engines.get(request.engine() == null ? "postgres" : request.engine());
        Path dataDir = Path.of(request.dataDir()).toAbsolutePath().normalize();
        Standby standby = AttachedStandby.parse(engine.name(), request.standbyConnection(), request.standbyDataDir());
        names.claim(request.name());
        try {
            engine.lifecycle().checkInstalled();
            Attachable attached = engine.lifecycle().checkAttachable(request.connection(), dataDir);
            String id = Secrets.newId();
            ManagedServer host = new ManagedServer(request.name(), id, engine.name(), attached.port(),
                    home.serverDir(request.name(), id), ServerState.RUNNING, clock.instant(), dataDir);
            // its own login serves as admin and agent: Hindsight made no login on it
            ServerRecord record = ServerRecords.newServer(id, request.name(), engine.name(), attached.identity(),
                    clock.instant(), attached.login(), attached.login(), settings, redundancy.redundancy(), null, null,
                    Tier.DEFAULT, List.of()).withStandby(standby);
            db.insertServer(host);
            try {
                newServers.record(record);
            } catch (IOException | RuntimeException e) {
                db.deleteServer(host.name());
                throw e;
            }
            newServers.protect(engine, record, host);
            log.info("Attached server {} ({}, data {})", request.name(), id, dataDir);
            return shown(request.name(), redundancy);
        } finally {
            names.release(request.name());
        }
    }

    private ServerView shown(String name, PlacementPlanner.Choice redundancy) throws IOException {
        logChoice(name, redundancy);
        ServerView view = views.show(name);
        return redundancy.note() == null ? view : view.withStorageNote(redundancy.note());
    }

    /**
     * Changes backup settings. Everything is checked before anything is written, so a bad value
     * changes nothing. A shorter retention takes effect at the next purge.
     */
    public ServerView update(String name, UpdateRequest request) throws IOException {
        ServerRecord record = lookup.live(name);
        LockService.requireChangeable(record);
        if (request.isEmpty()) {
            throw HindsightException.invalid("nothing to update", "give --backup-retention DAYS, --full-interval,"
                    + " --diff-interval, --storage-size GIB, --backup-redundancy, --tier, --rehearsal and/or"
                    + " --immutability-days");
        }
        Tier tier = request.tier() == null ? record.tier() : Tier.parse(request.tier());
        if (request.rehearsal() != null) {
            Rehearsal.parse(request.rehearsal()); // checked before anything is written
        }
        if (request.immutabilityDays() != null) {
            Validation.immutabilityDays(request.immutabilityDays());
        }
        ManagedServer host = lookup.managed(name);
        if (tier != record.tier() && host.attached()) {
            throw HindsightException.invalid("server " + name + " is attached: Hindsight does not configure it",
                    "change its memory and connection settings on the server itself");
        }
        if (tier != record.tier()) {
            // a new tier restarts the server, which no backup may be running through
            try {
                return backups.withoutBackups(record, name, () -> {
                    try {
                        return updateSettings(name, record, request, tier, host);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return updateSettings(name, record, request, tier, host);
    }

    private ServerView updateSettings(String name, ServerRecord record, UpdateRequest request, Tier tier,
                                      ManagedServer host) throws IOException {
        BackupSettings s = BackupSettings.of(record).with(request.backupRetentionDays(), request.fullBackupInterval(),
                request.diffBackupInterval(), request.storageSizeGib(), request.maxReplay());
        PlacementPlanner.Choice redundancy = request.backupRedundancy() == null
                ? new PlacementPlanner.Choice(record.backupRedundancy(), null)
                : storage.choose(request.backupRedundancy(), null);
        int immutability = request.immutabilityDays() == null ? record.immutabilityDays() : request.immutabilityDays();
        if (immutability > 0) {
            storage.requireImmutability(name, redundancy.redundancy());
        }
        if (tier != record.tier()) {
            // applied before it is recorded: a tier the server could not take is not kept
            var applied = engines.get(record.engine()).lifecycle().reconfigure(
                    host.spec(ServerProfile.of(record.withTier(tier))),
                    new Credentials(record.adminUser(), record.adminPassword()),
                    new Credentials(record.agentUser(), record.agentPassword()));
            log.info("Server {}: tier {}: {}", name, tier, applied.describe());
        }
        Catalog written = repository.updateCatalog(c -> c.withServer(c.server(record.id()).orElseThrow()
                .withBackupSettings(s.retentionDays(), s.fullInterval(), s.diffInterval(), s.storageSizeGib())
                .withRedundancy(redundancy.redundancy()).withTier(tier)
                .withRehearsal(request.rehearsal() == null ? c.server(record.id()).orElseThrow().rehearsal()
                        : Rehearsal.parse(request.rehearsal()))
                .withImmutabilityDays(immutability).withMaxReplay(s.maxReplay())));
        ServerRecord updated = written.server(record.id()).orElseThrow();
        storage.assign(updated);
        log.info("Server {}: backup retention {} days, full every {}, differential every {}, storage {} GiB, "
                        + "immutable for {} days", name, s.retentionDays(), s.fullInterval(), s.diffInterval(),
                s.storageSizeGib(), immutability);
        return views.show(name);
    }

    private static void logChoice(String name, PlacementPlanner.Choice choice) {
        if (choice.note() != null) {
            log.warn("Server {}: {} backup redundancy: {}", name, choice.redundancy(), choice.note());
        } else {
            log.info("Server {}: {} backup redundancy", name, choice.redundancy());
        }
    }

    /**
     * Takes the server's final log backup, then stops and removes it from this host; its backups
     * stay in the repository for its retention period, restorable to any point up to the final
     * log. Without a final log backup (storage or server down) it is refused, unless
     * {@code force}: then the outcome says from when commits may be missing.
     */
    public DeletedServer delete(String name, boolean force) throws IOException {
        ManagedServer host = lookup.managed(name);
        names.lock(name);
        try {
            Optional<ServerRecord> known = repository.catalog().server(host.id());
            if (known.isEmpty()) {
                removeUnknown(host);
                return new DeletedServer(name, host.id(), clock.instant(), null,
                        "the repository had no record of it: removed from this host only");
            }
            ServerRecord record = known.get();
            LockService.requireDeletable(record);
            Engine engine = engines.get(record.engine());
            Instant finalLog = null;
            String note;
            try {
                finalLog = FinalLogBackup.take(engine, record, host, captures, clock,
                        force ? FinalLogBackup.FORCED_WAIT : FinalLogBackup.WAIT);
                note = "final log backup taken: restorable to any point up to " + finalLog;
            } catch (HindsightException e) {
                if (!force) {
                    throw e;
                }
                String latest = captures.capture(record.id()).flatMap(LogCapture::caughtUpAt).map(Instant::toString)
                        .orElse("the end of the stored log");
                note = "deleted without a final log backup (" + e.getMessage() + "): commits after " + latest
                        + " may be missing";
                log.warn("Server {}: {}", name, note);
            }
            // a lock made while the final log was taken still counts
            LockService.requireDeletable(repository.catalog().server(record.id()).orElseThrow());
            db.setServerState(name, ServerState.DELETING);
            if (host.attached()) {
                captures.stop(record.id()); // its slot goes only when no capture holds it
                engines.get(record.engine()).lifecycle().detach(host.spec(), record); // not ours: only our slot goes
            } else {
                if (record.standby() != null && record.standby().managed()) {
                    engines.get(record.engine()).lifecycle().removeStandby(host.spec(),
                            ReplicaService.standbyOf(host, record),
                            new Credentials(record.agentUser(), record.agentPassword()));
                }
                // stopped before its capture: what it commits until it stops (a clean shutdown sends its
                // last WAL to the capture) is stored too, not lost between the two
                engines.get(record.engine()).lifecycle().stop(host.spec());
                drain(record);
                captures.stop(record.id());
            }
            Instant deletedAt = clock.instant();
            Instant held = finalLog;
            repository.updateCatalog(c -> c.withServer(c.server(record.id()).orElseThrow()
                    .withDeletedAt(deletedAt, held)));
            FileTrees.deleteRecursively(host.dir());
            db.deleteServer(name);
            log.info("Deleted server {} ({}); {}; its backups stay in the repository for {} days", name, record.id(),
                    note, record.retentionDays());
            return new DeletedServer(name, record.id(), deletedAt, finalLog, note);
        } finally {
            names.release(name);
        }
    }

    /** Waits (a few seconds at most) until the capture has made durable all it received. */
    private void drain(ServerRecord record) {
        Optional<LogCapture> capture = captures.capture(record.id());
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (capture.isPresent() && capture.get().pendingBytes().orElse(0L) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Removes a server the repository has no record of (its catalog was lost): it cannot be
     * marked deleted there, but it can leave this host.
     */
    private void removeUnknown(ManagedServer host) throws IOException {
        log.warn("Server {} ({}) is not in the repository's catalog; removing it from this host only", host.name(),
                host.id());
        captures.stop(host.id());
        db.setServerState(host.name(), ServerState.DELETING);
        if (!host.attached()) {
            engines.get(host.engine()).lifecycle().stop(host.spec());
            FileTrees.deleteRecursively(host.dir());
        }
        db.deleteServer(host.name());
    }
}
