package dev.hindsight.control;

import dev.hindsight.jobs.GeoCopier;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.PlacedStore;
import dev.hindsight.storage.Placement;
import dev.hindsight.storage.PlacementPlanner;
import dev.hindsight.storage.SiteCopy;
import dev.hindsight.storage.Storage;
import dev.hindsight.storage.StorageConfig;
import dev.hindsight.storage.StorageEdit;
import dev.hindsight.storage.StorageConfigFile;
import dev.hindsight.store.Store;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The repository's sites as the daemon uses them: which redundancy a server gets, where its
 * copies are, the geo copy's lag, and a new configuration taken while running.
 */
public final class StorageService {
    private static final Logger log = LoggerFactory.getLogger(StorageService.class);

    private final StorageConfigFile file;
    private final PlacedStore placed;
    private final Repository repository;
    private final GeoCopier geo;

    public StorageService(StorageConfigFile file, PlacedStore placed, Repository repository, GeoCopier geo) {
        this.file = file;
        this.placed = placed;
        this.repository = repository;
        this.geo = geo;
    }

    public StorageConfig config() {
        return placed.storage().config();
    }

    public GeoCopier geoCopier() {
        return geo;
    }

    /** The redundancy a new server gets; an error if an explicit one is not allowed or not possible. */
    public PlacementPlanner.Choice choose(String redundancy, String workload) {
        return PlacementPlanner.choose(config(), redundancy, workload);
    }

    /** From now on, the server's objects go where its redundancy says. */
    public void assign(ServerRecord record) {
        placed.assign(record.id(), record.backupRedundancy());
        placed.makeImmutable(record.id(), record.immutability());
    }

    /**
     * Refuses immutability for a server whose copies (under {@code redundancy}) cannot enforce it:
     * protection only Hindsight kept would not stop a stolen credential or a compromised host.
     */
    public void requireImmutability(String server, dev.hindsight.storage.Redundancy redundancy) throws IOException {
        Optional<String> refusal = placed.immutabilityRefusal(redundancy);
        if (refusal.isPresent()) {
            throw HindsightException.invalid("the storage of server " + server + " cannot hold its backups immutable: "
                            + refusal.get(),
                    "use sites that enforce it (S3 buckets created with Object Lock, Azure containers with "
                            + "version-level immutability, file sites on ext4/xfs with the daemon as root), or "
                            + "--immutability-days 0; nothing was changed");
        }
    }

    /** Changes the configuration file and uses it at once; a change refused saves nothing. */
    public synchronized StorageConfig edit(StorageEdit edit) throws IOException {
        StorageConfig next = edit.apply(file.load());
        requireImmutabilityKept(new Storage(next));
        file.save(next);
        return reload();
    }

    /** Reads the configuration file again and uses it; a bad file changes nothing. */
    public synchronized StorageConfig reload() throws IOException {
        StorageConfig next = file.load();
        Storage storage = new Storage(next);
        requireImmutabilityKept(storage);
        placed.reconfigure(storage);
        adoptGeoKeyring(placed); // a primary region moved to new, empty sites
        spreadKeyring();
        log.info("Storage configuration reloaded: sites {}", next.sites().stream().map(s -> s.name() + "@" + s.region())
                .toList());
        return next;
    }

    /**
     * Refuses a configuration under which a server made immutable would write a copy the storage
     * cannot protect (a site that replaced one with Object Lock, a new geo pair without it):
     * its new backups would silently lose the protection it was promised.
     */
    private void requireImmutabilityKept(Storage next) throws IOException {
        for (ServerRecord server : repository.catalog().servers()) {
            if (server.deleted() || server.immutability().isZero()) {
                continue;
            }
            Placement placement;
            try {
                placement = next.placement(server.backupRedundancy());
            } catch (HindsightException e) {
                continue; // its redundancy is not possible at all: refused on its own terms
            }
            List<SiteCopy> copies = new java.util.ArrayList<>(next.syncCopies(placement));
            next.geoCopy(placement).ifPresent(copies::add);
            for (SiteCopy copy : copies) {
                Optional<String> refusal = copy.store().immutabilityRefusal();
                if (refusal.isPresent()) {
                    throw HindsightException.conflict("server " + server.name() + " is immutable for "
                                    + server.immutabilityDays() + " days, and under this storage configuration its"
                                    + " copy " + copy.label() + " could not be: " + refusal.get(),
                            "keep sites that enforce immutability for it, or first run server update --name "
                                    + server.name() + " --immutability-days 0; nothing was changed");
                }
            }
        }
    }

    /** Every copy of every site, the paired region's too: where a repository-wide change must reach. */
    public List<Store> everyCopy() {
        Storage now = placed.storage();
        List<Store> all = new java.util.ArrayList<>();
        for (var site : now.config().sites()) {
            now.copiesOf(site.name()).forEach(c -> all.add(c.store()));
        }
        return all;
    }

    /** After a repository-wide object was added (a rotated key): the next immutable write protects it too. */
    public void renewSharedCover() {
        placed.renewSharedCover();
    }

    /**
     * Gives every copy of the primary region the keyring, so that each can be read alone; a new
     * site gets it before anything else is written to it.
     */
    public void spreadKeyring() throws IOException {
        for (SiteCopy copy : placed.storage().primaryCopies()) {
            for (String key : Repository.copyKeyring(placed, copy.store())) {
                log.info("Copied the repository's {} to site copy {}", key, copy.label());
            }
        }
    }

    /**
     * When no copy of the primary region has a keyring but the geo copy has one (the primary
     * region was lost and its sites are new and empty), the repository's key comes back from the
     * geo copy: a new key would make the geo copy unreadable. Runs before the repository opens.
     */
    public static void adoptGeoKeyring(PlacedStore placed) throws IOException {
        Optional<SiteCopy> geo = placed.storage().pairedCopy();
        if (geo.isEmpty() || placed.stat(Layout.KEYRING).isPresent()
                || geo.get().store().stat(Layout.KEYRING).isEmpty()) {
            return;
        }
        log.warn("No copy of the primary region has the repository's keyring; taking it from the geo copy {}",
                geo.get().label());
        for (SiteCopy copy : placed.storage().primaryCopies()) {
            Repository.copyKeyring(geo.get().store(), copy.store());
        }
    }

    /** The sync copies a server's new objects go to, by label. */
    public List<String> copies(ServerRecord record) {
        try {
            Placement placement = placed.storage().placement(record.backupRedundancy());
            return placed.storage().syncCopies(placement).stream().map(SiteCopy::label).toList();
        } catch (HindsightException e) {
            return List.of();
        }
    }

    /** The site in the paired region that holds the server's geo copy, if its redundancy has one. */
    public Optional<String> geoSite(ServerRecord record) {
        try {
            return Optional.ofNullable(placed.storage().placement(record.backupRedundancy()).geoSite());
        } catch (HindsightException e) {
            return Optional.empty();
        }
    }

    /** What the server's redundancy lacks under the configuration as it is now, if anything. */
    public Optional<String> note(ServerRecord record) {
        Optional<String> impossible = PlacementPlanner.unavailable(config(), record.backupRedundancy());
        if (impossible.isPresent()) {
            return Optional.of("backup redundancy " + record.backupRedundancy() + " is no longer possible: "
                    + impossible.get() + "; new backups and log cannot be stored until the storage configuration "
                    + "is fixed");
        }
        return PlacementPlanner.shortfall(config(), record.backupRedundancy());
    }

    /** The repository's copy in the paired region, for geo-restore; a clear error if there is none. */
    public Repository geoRepository() {
        Store store = placed.storage().pairedCopy().map(SiteCopy::store).orElseThrow(() -> HindsightException.invalid(
                "this installation has no site in a paired region, so there is no geo copy to restore from",
                "geo-restore reads the copy that geo or geo-zone redundancy keeps in the paired region"));
        return repository.on(store);
    }

    public static void requireGeo(ServerRecord source) {
        if (!source.backupRedundancy().geo()) {
            throw HindsightException.invalid("server " + source.name() + " has " + source.backupRedundancy()
                            + " backup redundancy: its backups have no copy in a second region to geo-restore from",
                    "restore it in this region with `hindsight server restore`; for geo-restore later, keep new "
                            + "backups in a second region with `hindsight server update " + source.name()
                            + " --backup-redundancy geo`");
        }
    }
}
