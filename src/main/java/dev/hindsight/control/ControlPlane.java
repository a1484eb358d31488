package dev.hindsight.control;

import dev.hindsight.engine.Engines;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.repo.Repository;
import dev.hindsight.storage.PlacedStore;

import java.time.Clock;

/**
 * The control plane's services, each built once with the collaborators it takes: what the
 * daemon's loops and the API call. The services never reach for one another through this.
 */
public final class ControlPlane {
    private final ControlDb db;
    private final Operations operations;
    private final StorageService storage;
    private final ServerLookup lookup;
    private final ServerViews views;
    private final BackupService backups;
    private final NewServers newServers;
    private final ServerService servers;
    private final RestoreService restores;
    private final ExportService exports;
    private final KeyService keys;
    private final ReplicaService replicas;
    private final RetentionService retention;
    private final UsageService usage;
    private final RepositoryVerifier verifier;
    private final Tokens tokens;
    private final ConsoleLinks consoleLinks;
    private final DeletedServers deletedServers;
    private final LockService locks;
    private final RehearsalService rehearsals;
    private final AuditLog audit;
    private final FirewallService firewall;
    private final Restarts restarts = new Restarts();
    private final ActivityFeed activity = new ActivityFeed();
    private final RedoRates redoRates;

    public ControlPlane(Home home, ControlDb db, Repository repository, PlacedStore placed, StorageService storage,
                        Engines engines, CaptureManager captures, Operations operations, Clock clock,
                        java.util.Optional<java.nio.file.Path> passphraseFile) {
        this.db = db;
        this.operations = operations;
        this.storage = storage;
        lookup = new ServerLookup(db, repository);
        NameLocks names = new NameLocks(db, repository);
        Ports ports = new Ports(db, repository);
        replicas = new ReplicaService(repository, lookup, engines, ports);
        views = new ServerViews(repository, storage, engines, captures, lookup, clock);
        backups = new BackupService(repository, engines, captures, operations, lookup, restarts, clock);
        newServers = new NewServers(home, db, repository, storage, captures, backups, ports, clock);
        servers = new ServerService(db, repository, storage, engines, captures, newServers, views, lookup, names, home,
                operations, backups, clock);
        redoRates = new RedoRates(db, clock);
        restores = new RestoreService(db, repository, storage, engines, captures, newServers, lookup, names, redoRates,
                clock);
        exports = new ExportService(restores, engines, clock);
        keys = new KeyService(repository, storage, passphraseFile);
        retention = new RetentionService(repository, engines, lookup, views, clock);
        usage = new UsageService(db, repository, engines, lookup, clock);
        verifier = new RepositoryVerifier(repository, placed);
        tokens = new Tokens(db, clock);
        consoleLinks = new ConsoleLinks(tokens, clock);
        deletedServers = new DeletedServers(repository, engines);
        locks = new LockService(repository, lookup, clock);
        rehearsals = new RehearsalService(home, repository, engines, captures, lookup, operations, ports, redoRates,
                clock);
        audit = new AuditLog(db, activity, clock);
        operations.onChange(op -> activity.publish(ActivityFeed.Kind.OPERATION, op));
        firewall = new FirewallService(repository, engines, lookup, backups);
    }

    public ControlDb db() {
        return db;
    }

    public RehearsalService rehearsals() {
        return rehearsals;
    }

    public LockService locks() {
        return locks;
    }

    public DeletedServers deletedServers() {
        return deletedServers;
    }

    public ConsoleLinks consoleLinks() {
        return consoleLinks;
    }

    public ActivityFeed activity() {
        return activity;
    }

    public Restarts restarts() {
        return restarts;
    }

    public Operations operations() {
        return operations;
    }

    public StorageService storage() {
        return storage;
    }

    public ServerLookup lookup() {
        return lookup;
    }

    public ServerViews views() {
        return views;
    }

    public BackupService backups() {
        return backups;
    }

    public NewServers newServers() {
        return newServers;
    }

    public ServerService servers() {
        return servers;
    }

    public RestoreService restores() {
        return restores;
    }

    public RedoRates redoRates() {
        return redoRates;
    }

    public ExportService exports() {
        return exports;
    }

    public KeyService keys() {
        return keys;
    }

    public ReplicaService replicas() {
        return replicas;
    }

    public RetentionService retention() {
        return retention;
    }

    public UsageService usage() {
        return usage;
    }

    public RepositoryVerifier verifier() {
        return verifier;
    }

    public Tokens tokens() {
        return tokens;
    }

    public AuditLog audit() {
        return audit;
    }

    public FirewallService firewall() {
        return firewall;
    }
}
