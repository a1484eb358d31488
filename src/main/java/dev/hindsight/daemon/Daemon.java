package dev.hindsight.daemon;

import dev.hindsight.api.ApiServer;
import dev.hindsight.api.Metrics;
import dev.hindsight.api.RemoteListener;
import dev.hindsight.control.ControlDb;
import dev.hindsight.control.ControlPlane;
import dev.hindsight.control.Home;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.control.Operations;
import dev.hindsight.control.Passphrase;
import dev.hindsight.control.ServerState;
import dev.hindsight.control.StorageService;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.jobs.GeoCopier;
import dev.hindsight.jobs.ProtectionSweep;
import dev.hindsight.repo.JitWarmup;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupStatus;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.PlacedStore;
import dev.hindsight.storage.Storage;
import dev.hindsight.storage.StorageConfigFile;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code hindsight serve}: owns every long-running loop (server supervision, log capture, the
 * backup schedule) and serves the API the CLI uses. One daemon per home (a file lock says so).
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final Home home;
    private final FileChannel lockChannel;
    private final ControlDb db;
    private final CaptureManager captures;
    private final Operations operations;
    private final ControlPlane control;
    private final Repository repository;
    private final ApiServer api;
    /** How fresh /metrics is: a scrape serves what the last refresh read, never the repository itself. */
    static final java.time.Duration METRICS_EVERY = java.time.Duration.ofSeconds(5);
    /** How often the replay budget is checked: a restore overshoots it by at most about this much log. */
    static final java.time.Duration BUDGET_EVERY = java.time.Duration.ofSeconds(10);
    /** The geo copy's pass; under normal load its lag stays within a few of these. */
    static final java.time.Duration GEO_COPY_EVERY = java.time.Duration.ofSeconds(5);
    /** Copying a large backup to the paired region takes a while: on its own thread, not the loops'. */
    private final ScheduledExecutorService geoLoop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "geo-copy");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService loops = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "daemon-loop");
        t.setDaemon(true);
        return t;
    });

    private Daemon(Home home, FileChannel lockChannel, Path passphraseFile, int apiPort, RemoteListener remote)
            throws IOException {
        this.home = home;
        this.lockChannel = lockChannel;
        JitWarmup.startInBackground(); // before the first backup or captured WAL needs the fast paths
        Clock clock = Clock.systemUTC();
        StorageConfigFile storageFile = new StorageConfigFile(home.storageConfig(), home.repository());
        PlacedStore placed = new PlacedStore(new Storage(storageFile.load()), Layout::serverOf, Layout.sharedObjects());
        StorageService.adoptGeoKeyring(placed);
        repository = Passphrase.openTryingPending(Passphrase.file(home, passphraseFile),
                Passphrase.resolve(home, passphraseFile, true), p -> Repository.openOrCreate(placed, p));
        GeoCopier geo = new GeoCopier(repository, placed, clock);
        StorageService storage = new StorageService(storageFile, placed, repository, geo);
        storage.spreadKeyring();
        repository.catalog().servers().forEach(storage::assign);
        db = new ControlDb(home.controlDb());
        db.failInterruptedOperations();
        Engines engines = Engines.all();
        captures = new CaptureManager(repository);
        operations = new Operations(db, clock);
        control = new ControlPlane(home, db, repository, placed, storage, engines, captures, operations, clock,
                Passphrase.file(home, passphraseFile));
        failInterruptedBackups(repository, clock);
        control.rehearsals().cleanUp();
        resumeServers(engines, repository);
        String token = control.tokens().homeToken(Files.exists(home.token()) ? Files.readString(home.token()).strip()
                : null);
        Metrics metrics = new Metrics(control.views(), control.usage(), db, repository.healer(), clock);
        metrics.refresh();
        control.operations().onFinished(metrics::recordOperation);
        api = new ApiServer(control, metrics, "127.0.0.1", apiPort, remote,
                clock).start();
        writeOwnerOnly(home.token(), token);
        writeOwnerOnly(home.endpoint(), Json.MAPPER.writeValueAsString(Map.of("port", api.port(),
                "pid", ProcessHandle.current().pid())));
        Supervisor supervisor = new Supervisor(db, engines, control.restarts());
        BackupScheduler scheduler = new BackupScheduler(control.lookup(), repository, control.backups(), engines,
                captures, control.redoRates(), clock);
        loops.scheduleWithFixedDelay(guard("supervisor", supervisor::pass), 5, 5, TimeUnit.SECONDS);
        loops.scheduleWithFixedDelay(guard("scheduler", () -> {
            try {
                scheduler.pass();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), 30, 30, TimeUnit.SECONDS);
        loops.scheduleWithFixedDelay(guard("replay budget", () -> {
            try {
                scheduler.budgetPass();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), BUDGET_EVERY.toSeconds(), BUDGET_EVERY.toSeconds(), TimeUnit.SECONDS);
        loops.scheduleWithFixedDelay(guard("metrics", metrics::refresh), METRICS_EVERY.toMillis(),
                METRICS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(guard("usage sample", control.usage()::sample), 1, 60, TimeUnit.MINUTES);
        loops.scheduleWithFixedDelay(guard("rehearsals", () -> {
            try {
                control.rehearsals().pass();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), 10, 10, TimeUnit.MINUTES);
        PurgeScheduler purge = new PurgeScheduler(control.lookup(), control.retention(), clock);
        loops.schedule(guard("protection sweep", () -> ProtectionSweep.run(repository, catalogServers(), clock.instant())),
                0, TimeUnit.SECONDS);
        loops.scheduleWithFixedDelay(guard("purge", purge::pass), 10, 60, TimeUnit.MINUTES);
        geoLoop.scheduleWithFixedDelay(guard("geo copy", geo::pass), 1, GEO_COPY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Hindsight is serving on http://127.0.0.1:{}{} (home {}, repository {})", api.port(),
                remote == null ? "" : " and " + api.remoteUrl(), home.dir(), repository.store().describe());
    }

    public static Daemon start(Home home, Path passphraseFile, int apiPort) throws IOException {
        return start(home, passphraseFile, apiPort, null);
    }

    /** With {@code remote}, the API is also served there for other hosts; null: loopback only. */
    public static Daemon start(Home home, Path passphraseFile, int apiPort, RemoteListener remote) throws IOException {
        home.ensureExists();
        FileChannel channel = FileChannel.open(home.dir().resolve("daemon.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by a daemon in this very JVM
        }
        if (lock == null) {
            channel.close();
            throw HindsightException.conflict("another Hindsight daemon is already serving " + home.dir(),
                    "use that one, or stop it first");
        }
        try {
            return new Daemon(home, channel, passphraseFile, apiPort, remote);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public int port() {
        return api.port();
    }

    /** Where other hosts reach the API, or null when it serves loopback only. */
    public String remoteUrl() {
        return api.remoteUrl();
    }

    /** The repository the daemon writes, for in-process callers. */
    public Repository repository() {
        return repository;
    }

    /** The daemon's control plane, for in-process callers (tests that purge with their own clock). */
    public ApiServer api() {
        return api;
    }

    public ControlPlane control() {
        return control;
    }

    /** Backups a previous daemon left RUNNING can never complete: say so in the catalog. */
    private void failInterruptedBackups(Repository repository, Clock clock) throws IOException {
        Catalog catalog = repository.catalog();
        List<String> ids = db.servers().stream().map(ManagedServer::id).toList();
        boolean any = catalog.backups().stream().anyMatch(b -> b.status() == BackupStatus.RUNNING
                && ids.contains(b.serverId()));
        if (any) {
            repository.updateCatalog(c -> {
                Catalog next = c;
                for (var b : c.backups()) {
                    if (b.status() == BackupStatus.RUNNING && ids.contains(b.serverId())) {
                        next = next.withBackup(b.failed(clock.instant(), "interrupted: the daemon stopped during the backup")
                                .immutableFor(c.server(b.serverId()).map(ServerRecord::immutability)
                                        .orElse(java.time.Duration.ZERO)));
                    }
                }
                return next;
            });
        }
    }

    /** Adopts the servers of this host: starts those that are down, resumes their log capture. */
    private void resumeServers(Engines engines, Repository repository) throws IOException {
        Catalog catalog = repository.catalog();
        for (ManagedServer host : db.servers()) {
            Optional<ServerRecord> record = catalog.server(host.id());
            Engine engine = engines.get(host.engine());
            boolean unfinished = host.state().unfinished();
            if ((record.isEmpty() && unfinished) || (record.isPresent() && record.get().deleted())) {
                log.warn("Server {} was left in state '{}' by an interrupted create, restore or delete; removing "
                        + "what it left", host.name(), host.state().text());
                control.newServers().discard(engine, host);
                continue;
            }
            if (record.isEmpty()) {
                // a server that was acknowledged: the repository lost its record (a wiped or unmounted store?)
                log.error("Server {} ({}) is not in the repository's catalog at {}: it is left as it is, unprotected "
                        + "(no log capture, no backups) until the repository is restored; `hindsight server delete` "
                        + "removes it from this host", host.name(), host.id(), repository.store().describe());
                continue;
            }
            try {
                if (!host.attached() && !engine.lifecycle().isRunning(host.spec())) {
                    engine.lifecycle().start(host.spec());
                }
                db.setServerState(host.name(), ServerState.RUNNING);
            } catch (RuntimeException e) {
                log.error("Could not start server {}: {}", host.name(), e.getMessage());
                db.setServerState(host.name(), ServerState.FAILED);
            }
            control.replicas().resume(host, record.get());
            captures.start(engine, record.get(), host.spec());
        }
    }

    /**
     * A scheduled executor drops a task for good once it throws: any failure of a pass is logged
     * and the loop goes on, so that one bad pass cannot silently end supervision, backups or the
     * geo copy. Only the JVM's own failures (out of memory) end it, loudly.
     */
    private java.util.List<dev.hindsight.repo.catalog.ServerRecord> catalogServers() {
        try {
            return repository.catalog().servers();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Runnable guard(String name, Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (VirtualMachineError e) {
                log.error("The {} pass failed and its loop stops: {}", name, e.toString(), e);
                throw e;
            } catch (Exception | Error e) {
                log.error("The {} pass failed; it runs again shortly", name, e);
            }
        };
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        loops.shutdownNow();
        geoLoop.shutdownNow();
        api.close();
        captures.close();
        try {
            operations.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            db.close();
        } catch (java.sql.SQLException e) {
            log.warn("Closing the control database: {}", e.getMessage());
        }
        Files.deleteIfExists(home.endpoint());
        lockChannel.close();
        log.info("Hindsight daemon stopped");
    }
}
