package dev.hindsight.control;

import dev.hindsight.util.HindsightException;
import dev.hindsight.engine.Attachable;
import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.Identity;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.ServerPlans;
import dev.hindsight.jobs.BackupJob;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.jobs.GeoCopier;
import dev.hindsight.storage.PlacementPlanner;
import dev.hindsight.plan.Position;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Server lifecycle on this host: create, list, show, delete; and on-demand backups. */
public final class ServerService {
    private static final Logger log = LoggerFactory.getLogger(ServerService.class);
    public static final String AGENT_USER = "hindsight_agent";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Home home;
    private final ControlDb db;
    private final Repository repository;
    private final StorageService storage;
    private final Engines engines;
    private final CaptureManager captures;
    private final Operations operations;
    private final BackupJob backups;
    private final Clock clock;
    /** Names being created, restored or deleted right now: one request per name at a time. */
    private final Set<String> busyNames = ConcurrentHashMap.newKeySet();
    private final Set<String> backingUp = ConcurrentHashMap.newKeySet();

    public ServerService(Home home, ControlDb db, Repository repository, StorageService storage, Engines engines,
                         CaptureManager captures, Operations operations, Clock clock) {
        this.home = home;
        this.db = db;
        this.repository = repository;
        this.storage = storage;
        this.engines = engines;
        this.captures = captures;
        this.operations = operations;
        this.clock = clock;
        this.backups = new BackupJob(repository, captures, clock);
    }

    public Home home() {
        return home;
    }

    public ControlDb db() {
        return db;
    }

    public Repository repository() {
        return repository;
    }

    public StorageService storage() {
        return storage;
    }

    public Engines engines() {
        return engines;
    }

    public Operations operations() {
        return operations;
    }

    public CaptureManager captures() {
        return captures;
    }

    public Clock clock() {
        return clock;
    }

    /** Creates a managed server; returns once it accepts connections. The first full backup starts at once. */
    public ServerView create(CreateRequest request) throws IOException {
        Validation.serverName(request.name());
        BackupSettings settings = BackupSettings.defaults().with(request.backupRetentionDays(),
                request.fullBackupInterval(), request.diffBackupInterval(), request.storageSizeGib());
        String adminUser = request.adminUser() == null ? "hsadmin" : request.adminUser();
        Validation.adminUser(adminUser, AGENT_USER);
        String adminPassword = request.adminPassword() == null ? newPassword() : request.adminPassword();
        Validation.adminPassword(adminPassword);
        if (request.port() != null) {
            Validation.port(request.port());
        }
        PlacementPlanner.Choice redundancy = storage.choose(request.backupRedundancy(), request.workload());
        Engine engine = engines.get(request.engine() == null ? "postgres" : request.engine());
        claimName(request.name());
        try {
            engine.lifecycle().checkInstalled();
            int port = choosePort(request.port());
            String id = newId();
            ManagedServer host = new ManagedServer(request.name(), id, engine.name(), port,
                    home.serverDir(request.name(), id), ServerState.PROVISIONING, clock.instant());
            Credentials admin = new Credentials(adminUser, adminPassword);
            Credentials agent = new Credentials(AGENT_USER, newPassword());
            db.insertServer(host);
            ServerRecord record;
            try {
                Identity provisioned = engine.lifecycle().provision(host.spec(), admin, agent);
                record = new ServerRecord(id, request.name(), engine.name(), provisioned.version(),
                        provisioned.systemIdentifier(), clock.instant(), null, admin.user(), admin.password(),
                        agent.user(), agent.password(), settings.retentionDays(), settings.fullInterval(), null, null,
                        settings.diffInterval(), settings.storageSizeGib(), redundancy.redundancy());
                storage.assign(record);
                repository.updateCatalog(c -> c.withServer(record));
            } catch (IOException | RuntimeException e) {
                discard(engine, host);
                throw e;
            }
            db.setServerState(host.name(), ServerState.RUNNING);
            protect(engine, record, host.withState(ServerState.RUNNING));
            logChoice(request.name(), redundancy);
            ServerView view = show(request.name());
            return redundancy.note() == null ? view : view.withStorageNote(redundancy.note());
        } finally {
            busyNames.remove(request.name());
        }
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
        java.nio.file.Path dataDir = java.nio.file.Path.of(request.dataDir()).toAbsolutePath().normalize();
        claimName(request.name());
        try {
            engine.lifecycle().checkInstalled();
            Attachable attached = engine.lifecycle().checkAttachable(request.connection(), dataDir);
            String id = newId();
            ManagedServer host = new ManagedServer(request.name(), id, engine.name(), attached.port(),
                    home.serverDir(request.name(), id), ServerState.RUNNING, clock.instant(), dataDir);
            Credentials login = attached.login();
            ServerRecord record = new ServerRecord(id, request.name(), engine.name(), attached.identity().version(),
                    attached.identity().systemIdentifier(), clock.instant(), null, login.user(), login.password(),
                    login.user(), login.password(), settings.retentionDays(), settings.fullInterval(), null, null,
                    settings.diffInterval(), null, redundancy.redundancy());
            storage.assign(record);
            db.insertServer(host);
            try {
                repository.updateCatalog(c -> c.withServer(record));
            } catch (IOException | RuntimeException e) {
                db.deleteServer(host.name());
                throw e;
            }
            protect(engine, record, host);
            log.info("Attached server {} ({}, data {})", request.name(), id, dataDir);
            logChoice(request.name(), redundancy);
            ServerView view = show(request.name());
            return redundancy.note() == null ? view : view.withStorageNote(redundancy.note());
        } finally {
            busyNames.remove(request.name());
        }
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

    /** Starts log capture and the first full backup of a server that just came to be. */
    void protect(Engine engine, ServerRecord record, ManagedServer host) throws IOException {
        captures.start(engine, record, host.spec());
        startBackup(record.name(), BackupKind.FULL);
    }

    /**
     * Starts a backup in the background; returns its operation. A differential asked for when
     * there is no full to take it against becomes a full, and its record says so.
     */
    public Operation startBackup(String name, BackupKind kind) throws IOException {
        ManagedServer host = managed(name);
        ServerRecord record = live(name);
        if (!backingUp.add(record.id())) {
            throw HindsightException.conflict("a backup of server " + name + " is already running",
                    "wait for it: `hindsight backup list --server " + name + "`");
        }
        try {
            BackupRecord backup = backups.register(record, kind);
            Engine engine = engines.get(record.engine());
            return operations.submit("backup", name, progress -> {
                try {
                    BackupRecord done = backups.run(engine, record, host.spec(), backup, progress);
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
     * Changes backup settings. Everything is checked before anything is written, so a bad value
     * changes nothing. A shorter retention takes effect at the next purge.
     */
    public ServerView update(String name, UpdateRequest request) throws IOException {
        ServerRecord record = live(name);
        if (request.isEmpty()) {
            throw HindsightException.invalid("nothing to update", "give --backup-retention DAYS, --full-interval,"
                    + " --diff-interval, --storage-size GIB and/or --backup-redundancy");
        }
        BackupSettings s = BackupSettings.of(record).with(request.backupRetentionDays(), request.fullBackupInterval(),
                request.diffBackupInterval(), request.storageSizeGib());
        PlacementPlanner.Choice redundancy = request.backupRedundancy() == null
                ? new PlacementPlanner.Choice(record.backupRedundancy(), null)
                : storage.choose(request.backupRedundancy(), null);
        Catalog written = repository.updateCatalog(c -> c.withServer(c.server(record.id()).orElseThrow()
                .withBackupSettings(s.retentionDays(), s.fullInterval(), s.diffInterval(), s.storageSizeGib())
                .withRedundancy(redundancy.redundancy())));
        storage.assign(written.server(record.id()).orElseThrow());
        log.info("Server {}: backup retention {} days, full every {}, differential every {}, storage {} GiB", name,
                s.retentionDays(), s.fullInterval(), s.diffInterval(), s.storageSizeGib());
        return show(name);
    }

    private static void logChoice(String name, PlacementPlanner.Choice choice) {
        if (choice.note() != null) {
            log.warn("Server {}: {} backup redundancy: {}", name, choice.redundancy(), choice.note());
        } else {
            log.info("Server {}: {} backup redundancy", name, choice.redundancy());
        }
    }

    public List<BackupRecord> backups(String name) throws IOException {
        ServerRecord record = live(name);
        return repository.catalog().backupsOf(record.id());
    }

    public List<ServerView> list() throws IOException {
        List<ServerView> out = new java.util.ArrayList<>();
        for (ManagedServer s : db.servers()) {
            out.add(show(s.name()));
        }
        return out;
    }

    public ServerView show(String name) throws IOException {
        ManagedServer host = managed(name);
        Catalog catalog = repository.catalog();
        ServerRecord record = catalog.server(host.id()).orElseThrow(() -> notFound(name));
        Engine engine = engines.get(record.engine());
        Optional<LogCapture> capture = captures.capture(record.id());
        Instant caughtUp = capture.flatMap(LogCapture::caughtUpAt).orElse(null);
        Optional<RestoreWindow> window = ServerPlans.window(engine, repository, record, caughtUp);
        List<BackupRecord> completed = catalog.backupsOf(record.id()).stream().filter(BackupRecord::isCompleted)
                .sorted(Comparator.comparing(BackupRecord::finishedAt)).toList();
        Optional<BackupRecord> last = completed.stream().reduce((a, b) -> b);
        Optional<BackupRecord> lastFull = completed.stream().filter(BackupRecord::isFull).reduce((a, b) -> b);
        Double lag = caughtUp == null ? null : Math.max(0, Duration.between(caughtUp, clock.instant()).toMillis() / 1000.0);
        Optional<GeoCopier.Status> geo = record.backupRedundancy().geo()
                ? storage.geoCopier().status(record.id()) : Optional.empty();
        ServerState state = host.state();
        if (state == ServerState.RUNNING && !engine.lifecycle().isRunning(host.spec())) {
            state = ServerState.STOPPED;
        }
        return new ServerView(record.name(), record.id(), record.engine(), record.engineVersion(), state.text(),
                host.port(), record.retentionDays(), record.fullBackupInterval().toString(),
                record.diffBackupInterval().isZero() ? "off" : record.diffBackupInterval().toString(),
                record.storageSizeGib(),
                window.map(RestoreWindow::earliest).orElse(null), window.map(RestoreWindow::latest).orElse(null),
                lastFull.map(BackupRecord::id).orElse(null), lastFull.map(BackupRecord::finishedAt).orElse(null),
                last.map(BackupRecord::id).orElse(null), last.map(b -> b.kind().name().toLowerCase()).orElse(null),
                last.map(BackupRecord::finishedAt).orElse(null),
                lag, capture.flatMap(LogCapture::durablePosition).map(Position::text).orElse(null),
                capture.flatMap(LogCapture::lastError).orElse(null),
                record.restoredFrom() == null ? null : catalog.server(record.restoredFrom()).map(ServerRecord::name)
                        .orElse(record.restoredFrom()),
                record.createdAt(), record.ltr(), record.backupRedundancy().text(), storage.copies(record),
                storage.geoSite(record).orElse(null),
                geo.map(GeoCopier.Status::syncedUpTo).map(t -> Math.max(0,
                        Duration.between(t, clock.instant()).toMillis() / 1000.0)).orElse(null),
                geo.map(GeoCopier.Status::behindBytes).orElse(null), geo.map(GeoCopier.Status::error).orElse(null),
                storage.note(record).orElse(null));
    }

    public String connectionString(String name, ConnectionFormat format) throws IOException {
        ManagedServer host = managed(name);
        ServerRecord record = live(name);
        return engines.get(record.engine()).lifecycle().connectionString(host.spec(),
                new Credentials(record.adminUser(), record.adminPassword()), format);
    }

    /** Stops and removes a server from this host; its backups stay in the repository. */
    public void delete(String name) throws IOException {
        ManagedServer host = managed(name);
        lockName(name);
        try {
            Optional<ServerRecord> known = repository.catalog().server(host.id());
            if (known.isEmpty()) {
                removeUnknown(host);
                return;
            }
            ServerRecord record = known.get();
            captures.stop(record.id());
            db.setServerState(name, ServerState.DELETING);
            if (host.attached()) {
                engines.get(record.engine()).lifecycle().detach(host.spec(), record); // the server is not ours: only our slot goes
            } else {
                engines.get(record.engine()).lifecycle().stop(host.spec());
            }
            repository.updateCatalog(c -> c.withServer(record.withDeletedAt(clock.instant())));
            FileTrees.deleteRecursively(host.dir());
            db.deleteServer(name);
            log.info("Deleted server {} ({}); its backups stay in the repository", name, record.id());
        } finally {
            busyNames.remove(name);
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

    /** Takes the name for one create, restore or delete at a time. */
    private void lockName(String name) {
        if (!busyNames.add(name)) {
            throw HindsightException.conflict("server " + name + " is being created, restored or deleted right now",
                    "wait for that to finish");
        }
    }

    /** Takes a name that no server has yet. */
    void claimName(String name) throws IOException {
        lockName(name);
        if (db.server(name).isPresent() || repository.catalog().liveServerNamed(name).isPresent()) {
            busyNames.remove(name);
            throw HindsightException.conflict("a server named " + name + " already exists",
                    "choose another name, or delete the existing server first");
        }
    }

    void releaseName(String name) {
        busyNames.remove(name);
    }

    int choosePort(Integer requested) {
        if (requested != null) {
            if (db.portTaken(requested) || !portFree(requested)) {
                throw HindsightException.conflict("port " + requested + " is already in use",
                        "choose another port, or leave --port out to get a free one");
            }
            return requested;
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = FreePort.find();
            if (!db.portTaken(port)) {
                return port;
            }
        }
        throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "no free port found", "pass --port N");
    }

    private static boolean portFree(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public ManagedServer managed(String name) {
        Validation.serverName(name);
        return db.server(name).orElseThrow(() -> notFound(name));
    }

    public ServerRecord live(String name) throws IOException {
        ManagedServer host = managed(name);
        return repository.catalog().server(host.id()).orElseThrow(() -> notFound(name));
    }

    static HindsightException notFound(String name) {
        return HindsightException.notFound("no server named " + name + " on this host",
                "list servers with `hindsight server list`");
    }

    static String newId() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
