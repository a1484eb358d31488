package dev.hindsight.jobs;

import dev.hindsight.repo.CorruptObjectException;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.PlacedStore;
import dev.hindsight.storage.SiteCopy;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectExistsException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fills the geo copy: for every server with geo redundancy, copies the objects the paired
 * region's site does not have yet (objects are write-once, so "missing" is all there is to
 * know), each verified by decoding as it is copied; then the keyring and a catalog of just those
 * servers, so the geo copy can be restored from on its own and holds nothing of servers kept
 * out of the second region. A catalog goes over only after the objects it names.
 */
public final class GeoCopier {
    private static final Logger log = LoggerFactory.getLogger(GeoCopier.class);

    /**
     * How far a server's geo copy is behind.
     *
     * @param syncedUpTo    everything stored in the primary region before this is in the geo copy (null: not yet)
     * @param behindBytes   bytes that were missing at the last look
     * @param behindObjects objects that were missing at the last look
     * @param error         why the last pass failed, or null
     */
    public record Status(Instant syncedUpTo, long behindBytes, int behindObjects, String error) {
    }

    private final Repository primary;
    private final PlacedStore placed;
    private final Clock clock;
    private final Map<String, Status> status = new ConcurrentHashMap<>();
    private volatile List<ServerRecord> lastCatalogServers;
    private volatile List<BackupRecord> lastCatalogBackups;

    public GeoCopier(Repository primary, PlacedStore placed, Clock clock) {
        this.primary = primary;
        this.placed = placed;
        this.clock = clock;
    }

    public Optional<Status> status(String serverId) {
        return Optional.ofNullable(status.get(serverId));
    }

    /** One pass over every geo-redundant server; failures are recorded per server and tried again next pass. */
    public void pass() {
        Optional<SiteCopy> geo = placed.storage().pairedCopy();
        Catalog catalog;
        try {
            catalog = primary.catalog();
        } catch (IOException | RuntimeException e) {
            log.warn("geo copy: cannot read the catalog: {}", e.getMessage());
            return;
        }
        List<ServerRecord> geoServers = catalog.servers().stream().filter(s -> s.backupRedundancy().geo()).toList();
        if (geoServers.isEmpty()) {
            return;
        }
        if (geo.isEmpty()) {
            geoServers.forEach(s -> status.put(s.id(), failed(s.id(),
                    "no site in a paired region: the storage configuration changed")));
            return;
        }
        Store target = geo.get().store();
        boolean allCopied = true;
        try {
            if (!Repository.copyKeyring(placed, target).isEmpty()) {
                placed.renewSharedCover(); // the geo copy's new keyring is covered at the next immutable write
            }
        } catch (IOException e) {
            allCopied = false;
            log.warn("geo copy: cannot copy the keyring to {}: {}", geo.get().label(), e.getMessage());
        }
        for (ServerRecord server : geoServers) {
            Instant start = clock.instant();
            try {
                List<ObjectInfo> missing = missing(Layout.serverPrefix(server.id()), target);
                long bytes = missing.stream().mapToLong(ObjectInfo::size).sum();
                status.put(server.id(), new Status(previous(server.id()), bytes, missing.size(), null));
                for (ObjectInfo object : missing) {
                    copy(object.key(), target); // an immutable object stays so, as long as in the primary
                }
                status.put(server.id(), new Status(start, 0, 0, null));
            } catch (IOException | RuntimeException e) {
                allCopied = false;
                status.put(server.id(), failed(server.id(), e.getMessage()));
                log.warn("geo copy of server {} to {} failed (tried again shortly): {}", server.name(),
                        geo.get().label(), e.getMessage());
            }
        }
        if (allCopied) {
            writeCatalog(catalog, geoServers, target, geo.get().label());
        }
    }

    private Instant previous(String serverId) {
        Status s = status.get(serverId);
        return s == null ? null : s.syncedUpTo();
    }

    private Status failed(String serverId, String error) {
        Status s = status.get(serverId);
        return new Status(s == null ? null : s.syncedUpTo(), s == null ? 0 : s.behindBytes(),
                s == null ? 0 : s.behindObjects(), error);
    }

    private List<ObjectInfo> missing(String prefix, Store target) throws IOException {
        Set<String> there = new HashSet<>();
        target.list(prefix).forEach(o -> there.add(o.key()));
        List<ObjectInfo> missing = new ArrayList<>();
        for (ObjectInfo o : placed.list(prefix)) {
            if (!there.contains(o.key())) {
                missing.add(o);
            }
        }
        return missing;
    }

    /** Copies one object from the first primary copy whose bytes decode whole; a damaged copy is repaired after. */
    private void copy(String key, Store target) throws IOException {
        List<Store> sources = new ArrayList<>(placed.placedCopies(key));
        List<Store> damaged = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        sources.addAll(placed.otherCopies(key));
        IOException failure = null;
        for (Store source : sources) {
            try {
                primary.healer().copyVerified(key, source, target);
                for (int i = 0; i < damaged.size(); i++) {
                    primary.healer().repairOne(key, source, damaged.get(i), problems.get(i));
                }
                return;
            } catch (ObjectExistsException e) {
                return; // copied meanwhile
            } catch (NoSuchObjectException e) {
                // purged since the listing, or not in this copy
            } catch (CorruptObjectException e) {
                if (placed.placedCopies(key).contains(source)) {
                    damaged.add(source);
                    problems.add(e.getMessage());
                }
                failure = e;
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * A catalog of the geo servers only, written when it changed; the geo copy numbers its own
     * versions. Servers the primary catalog no longer has (its region lost, or the server gone
     * from it) keep their records in the geo copy: it never forgets what it can restore.
     */
    private void writeCatalog(Catalog catalog, List<ServerRecord> geoServers, Store target, String site) {
        Set<String> ids = new HashSet<>();
        geoServers.forEach(s -> ids.add(s.id()));
        List<BackupRecord> backups = catalog.backups().stream().filter(b -> ids.contains(b.serverId())).toList();
        if (geoServers.equals(lastCatalogServers) && backups.equals(lastCatalogBackups)) {
            return;
        }
        Set<String> inPrimary = new HashSet<>();
        catalog.servers().forEach(s -> inPrimary.add(s.id()));
        try {
            primary.on(target).updateCatalog(c -> {
                List<ServerRecord> servers = new ArrayList<>(geoServers);
                List<BackupRecord> kept = new ArrayList<>(backups);
                c.servers().stream().filter(s -> !inPrimary.contains(s.id())).forEach(servers::add);
                c.backups().stream().filter(b -> !inPrimary.contains(b.serverId())).forEach(kept::add);
                return new Catalog(c.format(), c.sequence(), c.writtenAt(), servers, kept);
            });
            lastCatalogServers = geoServers;
            lastCatalogBackups = backups;
        } catch (IOException | RuntimeException e) {
            log.warn("geo copy: cannot write the catalog to {} (tried again shortly): {}", site, e.getMessage());
        }
    }
}
