package dev.hindsight.control;

import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.IntegrityCheck;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.Identity;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.ServerPlans;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.FirewallRule;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.PlacementPlanner;
import dev.hindsight.store.StoreUnavailableException;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Restores a server to a point in time as a NEW managed server: plan first (a bad target fails
 * before anything is created), then materialize the backup, stage the log, recover, promote,
 * and protect the new server at once (its own lineage, capture, and first full backup).
 */
public final class RestoreService {
    private static final Logger log = LoggerFactory.getLogger(RestoreService.class);
    static final Duration RECOVERY_TIMEOUT = Duration.ofHours(2);
    private final ControlDb db;
    private final RedoRates redoRates;
    private final Repository repository;
    private final StorageService storage;
    private final Engines engines;
    private final CaptureManager captures;
    private final NewServers newServers;
    private final ServerLookup lookup;
    private final NameLocks names;
    private final Clock clock;

    public RestoreService(ControlDb db, Repository repository, StorageService storage, Engines engines,
                          CaptureManager captures, NewServers newServers, ServerLookup lookup, NameLocks names,
                          RedoRates redoRates, Clock clock) {
        this.db = db;
        this.redoRates = redoRates;
        this.repository = repository;
        this.storage = storage;
        this.engines = engines;
        this.captures = captures;
        this.newServers = newServers;
        this.lookup = lookup;
        this.names = names;
        this.clock = clock;
    }

    /** Where a restore reads from: the primary region's copies, or the geo copy alone. */
    private record Source(Repository repository, ServerRecord record, boolean geo) {
    }

    /** A plan, with the repository it reads from and the server it restores. */
    public record PlannedRestore(Repository repository, ServerRecord source, RestorePlan plan) {
    }

    /**
     * Plans restoring {@code sourceServer} (a deleted one of that name if {@code deleted}, the one
     * deleted at {@code deletedAt} when several were) to {@code request}, from the primary region,
     * for uses other than a new server (an export).
     */
    public PlannedRestore plan(String sourceServer, boolean deleted, Instant deletedAt, RestoreRequest request)
            throws IOException {
        Source source = source(new RestoreRequestBody(sourceServer, null, null, false, false, null, null, null,
                deleted, deletedAt, false), false);
        return new PlannedRestore(source.repository(), source.record(), plan(source, request));
    }

    /** Checks the request and plans it; throws before anything is created if it cannot be done. */
    public RestorePlan check(RestoreRequestBody body) throws IOException {
        return check(body, source(body, false));
    }

    /** Checks a geo-restore and plans it against the geo copy alone. */
    public RestorePlan checkGeo(RestoreRequestBody body) throws IOException {
        return check(body, source(body, true));
    }

    private Source source(RestoreRequestBody body, boolean geo) throws IOException {
        if (body.deleted()) {
            Repository from = geo ? storage.geoRepository() : repository;
            ServerRecord record = DeletedServers.find(from.catalog(), body.sourceServer(), body.deletedAt());
            if (geo) {
                StorageService.requireGeo(record);
            }
            return new Source(from, record, geo);
        }
        if (body.deletedAt() != null) {
            throw HindsightException.invalid("deletedAt names a deleted server, but deleted is not set",
                    "add --deleted (\"deleted\": true) to restore a deleted server");
        }
        return source(body.sourceServer(), geo);
    }

    private Source source(String name, boolean geo) throws IOException {
        if (!geo) {
            return new Source(repository, lookup.live(name), false);
        }
        Repository copy = storage.geoRepository();
        var catalog = copy.catalog();
        ServerRecord record = catalog.liveServerNamed(name).or(() -> catalog.serversNamed(name).stream().findFirst())
                .orElseThrow(() -> {
                    ServerRecord primary = primaryRecord(name);
                    if (primary != null) {
                        StorageService.requireGeo(primary);
                    }
                    return HindsightException.notFound("the geo copy has no server named " + name
                                    + (primary != null ? " yet (its geo copy has not caught up)" : ""),
                            "geo-restore a server whose backups have geo or geo-zone redundancy; "
                                    + "`hindsight server show NAME` shows its geo lag");
                });
        StorageService.requireGeo(record);
        return new Source(copy, record, true);
    }

    private ServerRecord primaryRecord(String name) {
        try {
            return repository.catalog().liveServerNamed(name).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null; // the primary region is unreachable: that is what geo-restore is for
        }
    }

    private RestorePlan check(RestoreRequestBody body, Source source) throws IOException {
        Validation.serverName(body.name());
        RestoreRequest request = toRequest(body);
        if (body.port() != null) {
            Validation.port(body.port());
        }
        if (db.server(body.name()).isPresent() || primaryCatalog(source).liveServerNamed(body.name())
                .isPresent()) {
            throw HindsightException.conflict("a server named " + body.name() + " already exists",
                    "choose another name for the restored server");
        }
        if (body.backupRedundancy() != null) {
            storage.choose(body.backupRedundancy(), null);
        }
        return plan(source, request);
    }

    /**
     * The primary region's catalog, where the restored server will be recorded and its own
     * backups kept. A geo-restore reads nothing else from the primary region, but if it cannot
     * even read this, it cannot protect the new server: say so before restoring anything.
     */
    private dev.hindsight.repo.catalog.Catalog primaryCatalog(Source source) throws IOException {
        try {
            return repository.catalog();
        } catch (IOException e) {
            if (!source.geo() || !StoreUnavailableException.isCause(e)) {
                throw e;
            }
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "the geo copy can be restored from, "
                    + "but the primary region's sites, which would keep the restored server's record and its own "
                    + "backups, are unreachable: " + e.getMessage(),
                    "make them reachable, or move the primary region to sites that are: `hindsight storage site add "
                            + "NAME --type … --region NEW` then `hindsight storage region pair NEW "
                            + storage.config().pairedRegion() + "` (the geo copy stays the restore source); "
                            + "then retry", e);
        }
    }

    private RestorePlan plan(Source source, RestoreRequest request) throws IOException {
        Engine engine = engines.get(source.record().engine());
        // the geo copy's latest point is what it holds, whatever the live capture has; a deleted
        // server's is its final log backup
        java.time.Instant caughtUp = source.geo() ? null : source.record().deleted() ? source.record().finalLogAt()
                : captures.capture(source.record().id()).flatMap(LogCapture::caughtUpAt).orElse(null);
        return ServerPlans.restore(engine, source.repository(), source.record(), request, caughtUp,
                clock.instant());
    }

    /**
     * The engine's integrity check on the restored server, before it is acknowledged: one that
     * fails fails the restore, and the new server is removed with everything else it made.
     */
    private static IntegrityCheck checkIntegrity(Engine engine, ManagedServer host, ServerRecord source, String name,
                                                 dev.hindsight.util.Progress progress) {
        progress.update("checking integrity", 0, -1);
        IntegrityCheck check = engine.restorer().check(host.spec(),
                new Credentials(source.adminUser(), source.adminPassword()));
        if (!check.passed()) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "the restored server " + name
                    + " failed its integrity check (" + check.tool() + "): " + check.details(),
                    "the new server was removed; restore to another point or from another backup, or without "
                            + "--check to look at it yourself");
        }
        log.info("Restored server {} passed its integrity check in {} ms", name, check.durationMillis());
        return check;
    }

    /** The data a restore put back: its backup and, for a differential, the full beneath it. */
    private static long backupBytes(Repository repository, RestorePlan plan) throws IOException {
        long bytes = plan.backup().logicalBytes();
        if (plan.backup().baseBackupId() != null) {
            bytes += repository.catalog().backup(plan.backup().baseBackupId()).map(BackupRecord::logicalBytes).orElse(0L);
        }
        return bytes;
    }

    public RestoreOutcome restore(RestoreRequestBody body, dev.hindsight.util.Progress progress) throws IOException {
        return restore(body, source(body, false), progress);
    }

    /** Restores from the paired region's copy only: for when the primary region's sites are gone. */
    public RestoreOutcome geoRestore(RestoreRequestBody body, dev.hindsight.util.Progress progress) throws IOException {
        return restore(body, source(body, true), progress);
    }

    private RestoreOutcome restore(RestoreRequestBody body, Source from, dev.hindsight.util.Progress progress)
            throws IOException {
        RestorePlan plan = check(body, from);
        ServerRecord source = from.record();
        Engine engine = engines.get(source.engine());
        PlacementPlanner.Choice redundancy = storage.choose(body.backupRedundancy() != null
                ? body.backupRedundancy() : source.backupRedundancy().text(), null);
        names.claim(body.name());
        ManagedServer host = null;
        try {
            host = newServers.begin(body.name(), engine, body.port(), ServerState.RESTORING);
            Path staging = host.dir().resolve("restore-wal");
            Files.createDirectories(host.runDir());
            log.info("Restoring server {} to {} ({}) as {} from backup {}{}", source.name(), plan.pointInTime(),
                    plan.target(), body.name(), plan.backup().id(), from.geo() ? " of the geo copy" : "");
            // tier always, firewall rules where the engine keeps them (MariaDB), as the managed services do
            List<FirewallRule> rules = engine.restorer().inheritsFirewallRules() ? source.firewallRules() : List.of();
            ServerProfile profile = ServerProfile.of(source.tier(), rules);
            redoRates.record(engine.restorer().restoreAndPromote(from.repository(), plan, source, host.spec(profile),
                    staging, new Credentials(source.agentUser(), source.agentPassword()), RECOVERY_TIMEOUT, progress));
            FileTrees.deleteRecursively(staging);
            IntegrityCheck check = body.check() ? checkIntegrity(engine, host, source, body.name(), progress) : null;
            ServerRecord record = ServerRecords.newServer(host.id(), body.name(), source.engine(),
                    new Identity(source.engineVersion(), source.systemIdentifier()), clock.instant(),
                    new Credentials(source.adminUser(), source.adminPassword()),
                    new Credentials(source.agentUser(), source.agentPassword()), BackupSettings.of(source),
                    redundancy.redundancy(), source.id(), source.ltr(), source.tier(), rules);
            newServers.acknowledge(engine, record, host);
            String uri = engine.lifecycle().connectionString(host.spec(),
                    new Credentials(source.adminUser(), source.adminPassword()), ConnectionFormat.URI);
            return new RestoreOutcome(body.name(), source.name(), plan.pointInTime(), plan.backup().id(),
                    backupBytes(from.repository(), plan), uri, engine.restorer().restoredAccessNote(), check);
        } catch (IOException | RuntimeException e) {
            if (host != null) {
                newServers.discard(engine, host);
            }
            throw e;
        } finally {
            names.release(body.name());
        }
    }

    static RestoreRequest toRequest(RestoreRequestBody body) {
        int given = (body.restoreTime() != null ? 1 : 0) + (body.latest() ? 1 : 0) + (body.earliest() ? 1 : 0)
                + (body.fromBackup() != null ? 1 : 0);
        if (given != 1) {
            throw HindsightException.invalid("give exactly one restore target",
                    "use --restore-time 2026-11-21T09:30:00Z, --latest, --earliest or --from-ltr BACKUP_ID");
        }
        if (body.fromBackup() != null) {
            return RestoreRequest.backup(body.fromBackup());
        }
        if (body.latest()) {
            return RestoreRequest.latest();
        }
        return body.earliest() ? RestoreRequest.earliest() : RestoreRequest.at(body.restoreTime());
    }
}
