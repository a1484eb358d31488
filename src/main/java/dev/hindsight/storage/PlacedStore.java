package dev.hindsight.storage;

import dev.hindsight.store.MirroredWriter;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.ObjectWriter;
import dev.hindsight.store.ProtectingWriter;
import dev.hindsight.store.ReplicatedStore;
import dev.hindsight.store.Store;
import dev.hindsight.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The repository's store over every copy of the primary region. A server's objects are written
 * synchronously to the copies its redundancy places them in ({@link #assign}); repository-wide
 * objects (keyring, catalog) to every copy, so that any copy can be restored from alone. Reads
 * take the first copy that answers, the placed ones first; listings merge every copy; deletes
 * reach every copy and, best effort, the geo copy (its copier only ever adds).
 */
public final class PlacedStore implements ReplicatedStore {
    private static final Logger log = LoggerFactory.getLogger(PlacedStore.class);

    private volatile Storage storage;
    private final Function<String, Optional<String>> serverOfKey;
    private final Map<String, Redundancy> assigned = new ConcurrentHashMap<>();
    private final Map<String, Duration> immutable = new ConcurrentHashMap<>();
    private final SharedObjectCover sharedCover;

    /**
     * @param serverOfKey the server an object key belongs to, empty for repository-wide objects
     * @param sharedKeys  repository-wide objects every other one needs to be read (the keyring and
     *                    the key files, by prefix ending in '/'): held immutable at least as long as
     *                    any object a server has made immutable
     */
    public PlacedStore(Storage storage, Function<String, Optional<String>> serverOfKey, List<String> sharedKeys) {
        this.storage = storage;
        this.serverOfKey = serverOfKey;
        this.sharedCover = new SharedObjectCover(sharedKeys);
    }

    public Storage storage() {
        return storage;
    }

    /** Covers the repository-wide objects again on the next immutable write: one was added (a rotated key). */
    public void renewSharedCover() {
        sharedCover.renew();
    }

    /** Takes a new storage configuration (sites added, regions paired, policy changed). */
    public void reconfigure(Storage next) {
        this.storage = next;
        sharedCover.renew(); // new sites get the keyring: cover it there at the next immutable write
    }

    /** Says where a server's objects go from now on (objects already written stay where they are). */
    public void assign(String serverId, Redundancy redundancy) {
        assigned.put(serverId, redundancy);
    }

    /**
     * From now on, every object of the server is held immutable by the storage for {@code period}
     * after it is written (zero: not protected); objects already written keep their protection.
     */
    public void makeImmutable(String serverId, Duration period) {
        if (period.isZero()) {
            immutable.remove(serverId);
        } else {
            immutable.put(serverId, period);
        }
    }

    /** How long the storage holds the server's new objects immutable; zero if it does not. */
    public Duration immutabilityOf(String serverId) {
        return immutable.getOrDefault(serverId, Duration.ZERO);
    }

    /**
     * Empty if every copy a redundancy writes to (the geo copy included) can hold objects
     * immutable, else the first reason one cannot.
     */
    public Optional<String> immutabilityRefusal(Redundancy redundancy) throws IOException {
        Placement placement = storage.placement(redundancy);
        List<SiteCopy> copies = new ArrayList<>(storage.syncCopies(placement));
        storage.geoCopy(placement).ifPresent(copies::add);
        for (SiteCopy copy : copies) {
            Optional<String> refusal = copy.store().immutabilityRefusal();
            if (refusal.isPresent()) {
                return Optional.of("site copy " + copy.label() + ": " + refusal.get());
            }
        }
        return Optional.empty();
    }

    /** Empty if every copy of the primary region can hold objects immutable, else the first reason one cannot. */
    @Override
    public Optional<String> immutabilityRefusal() throws IOException {
        for (SiteCopy copy : storage.primaryCopies()) {
            Optional<String> refusal = copy.store().immutabilityRefusal();
            if (refusal.isPresent()) {
                return Optional.of("site copy " + copy.label() + ": " + refusal.get());
            }
        }
        return Optional.empty();
    }

    public Redundancy redundancyOf(String serverId) {
        return assigned.getOrDefault(serverId, Redundancy.LOCAL);
    }

    /** Where a server's objects go now; for a server whose redundancy is no longer possible, a clear error. */
    public Placement placementOf(String serverId) {
        return storage.placement(redundancyOf(serverId));
    }

    private List<SiteCopy> placed(String key) {
        Storage s = storage;
        Optional<String> server = serverOfKey.apply(key);
        return server.isEmpty() ? s.primaryCopies() : s.syncCopies(placementOf(server.get()));
    }

    @Override
    public List<Store> placedCopies(String key) {
        return placed(key).stream().map(SiteCopy::store).toList();
    }

    @Override
    public List<Store> otherCopies(String key) {
        return others(placed(key));
    }

    private List<Store> others(List<SiteCopy> placed) {
        return storage.primaryCopies().stream().filter(c -> !placed.contains(c)).map(SiteCopy::store).toList();
    }

    /** The placed copies, then the others: the placement worked out once. */
    private List<Store> readOrder(String key) {
        List<SiteCopy> placed = placed(key);
        List<Store> order = new ArrayList<>(placed.stream().map(SiteCopy::store).toList());
        order.addAll(others(placed));
        return order;
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        List<Store> copies = placedCopies(key);
        Duration period = serverOfKey.apply(key).map(this::immutabilityOf).orElse(Duration.ZERO);
        if (period.isZero()) {
            return MirroredWriter.create(key, copies);
        }
        coverShared(Clock.systemUTC().instant().plus(period));
        return new ProtectingWriter(MirroredWriter.create(key, copies), key, copies, period, Clock.systemUTC());
    }

    /** Covers the keyring in the primary region's copies, and as far as it answers in the geo copy, whose objects it unlocks too. */
    private void coverShared(Instant until) throws IOException {
        sharedCover.cover(storage.primaryCopies(), storage.pairedCopy().map(List::of).orElse(List.of()), until);
    }

    /**
     * Protects the object in every copy of the primary region that holds it and can hold it
     * immutable (long-term retention extends a protection); a copy that cannot was never asked to.
     * The geo copy's object, once copied, is extended too; one not copied yet takes the source's
     * protection when the geo copier copies it.
     */
    @Override
    public void protect(String key, Instant until) throws IOException {
        coverShared(until); // a longer hold (LTR) needs its keys as long
        boolean found = false;
        boolean protectedSomewhere = false;
        String refused = null;
        for (SiteCopy copy : storage.primaryCopies()) {
            if (copy.store().stat(key).isEmpty()) {
                continue;
            }
            found = true;
            Optional<String> refusal = copy.store().immutabilityRefusal();
            if (refusal.isPresent()) {
                refused = "site copy " + copy.label() + ": " + refusal.get();
                continue;
            }
            copy.store().protect(key, until);
            protectedSomewhere = true;
        }
        if (!found) {
            throw new NoSuchObjectException(key, describe());
        }
        if (!protectedSomewhere) {
            throw new IOException("cannot make " + key + " immutable: no copy holding it can (" + refused + ")");
        }
        Optional<SiteCopy> geo = storage.pairedCopy();
        if (geo.isPresent() && geo.get().store().immutabilityRefusal().isEmpty()) {
            try {
                geo.get().store().protect(key, until);
            } catch (NoSuchObjectException notCopiedYet) {
                // the geo copier copies it with the protection the primary's copy now has
            } catch (IOException geoDown) {
                log.warn("Could not extend the protection of {} in the geo copy {} until {}: {}", key,
                        geo.get().label(), until, geoDown.getMessage());
            }
        }
    }

    /**
     * The earliest protection among the primary region's copies that hold the object and can
     * enforce one; empty when one of them holds it unprotected (a write cut short between the
     * copies' protections).
     */
    public Optional<Instant> weakestProtection(String key) throws IOException {
        Optional<Instant> earliest = Optional.empty();
        for (SiteCopy copy : storage.primaryCopies()) {
            if (copy.store().immutabilityRefusal().isPresent() || copy.store().stat(key).isEmpty()) {
                continue;
            }
            Optional<Instant> until = copy.store().protectedUntil(key);
            if (until.isEmpty()) {
                return Optional.empty();
            }
            if (earliest.isEmpty() || until.get().isBefore(earliest.get())) {
                earliest = until;
            }
        }
        return earliest;
    }

    /** The latest protection any copy of the primary region holds the object under. */
    @Override
    public Optional<Instant> protectedUntil(String key) throws IOException {
        Optional<Instant> latest = Optional.empty();
        for (SiteCopy copy : storage.primaryCopies()) {
            Optional<Instant> until = copy.store().protectedUntil(key);
            if (until.isPresent() && (latest.isEmpty() || until.get().isAfter(latest.get()))) {
                latest = until;
            }
        }
        return latest;
    }

    @FunctionalInterface
    private interface Read<T> {
        T from(Store store) throws IOException;
    }

    /** The first copy's answer; a missing object or an unavailable copy moves on to the next. */
    private <T> T firstAnswer(String key, Read<T> read) throws IOException {
        IOException unavailable = null;
        for (Store copy : readOrder(key)) {
            try {
                return read.from(copy);
            } catch (NoSuchObjectException e) {
                // not in this copy
            } catch (StoreUnavailableException e) {
                unavailable = e;
            }
        }
        if (unavailable != null) {
            throw unavailable;
        }
        throw new NoSuchObjectException(key, describe());
    }

    @Override
    public InputStream open(String key) throws IOException {
        return firstAnswer(key, copy -> copy.open(key));
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        return firstAnswer(key, copy -> copy.open(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        try {
            return Optional.of(firstAnswer(key, copy -> copy.stat(key)
                    .orElseThrow(() -> new NoSuchObjectException(key, copy.describe()))));
        } catch (NoSuchObjectException e) {
            return Optional.empty();
        }
    }

    /**
     * Every object in any copy. A copy that is unavailable is left out (its objects are in the
     * others: every acknowledged write reached all of a placement's copies) unless none answers.
     */
    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        Map<String, ObjectInfo> merged = new TreeMap<>();
        IOException unavailable = null;
        int answered = 0;
        for (SiteCopy copy : storage.primaryCopies()) {
            try {
                for (ObjectInfo o : copy.store().list(prefix)) {
                    merged.putIfAbsent(o.key(), o);
                }
                answered++;
            } catch (StoreUnavailableException e) {
                log.warn("listing {} without copy {}: {}", prefix, copy.label(), e.getMessage());
                unavailable = e;
            }
        }
        if (answered == 0 && unavailable != null) {
            throw unavailable;
        }
        return new ArrayList<>(merged.values());
    }

    @Override
    public void delete(String key) throws IOException {
        for (SiteCopy copy : storage.primaryCopies()) {
            copy.store().delete(key);
        }
        Optional<String> server = serverOfKey.apply(key);
        if (server.isPresent() && redundancyOf(server.get()).geo()) {
            Optional<SiteCopy> geo = storage.pairedCopy();
            if (geo.isPresent()) {
                try {
                    geo.get().store().delete(key);
                } catch (IOException e) {
                    log.warn("could not delete {} from the geo copy {} (left there): {}", key, geo.get().label(),
                            e.getMessage());
                }
            }
        }
    }

    @Override
    public String describe() {
        List<SiteCopy> copies = storage.primaryCopies();
        if (copies.size() == 1) {
            return copies.get(0).store().describe();
        }
        return "sites " + String.join(", ", storage.config().sitesIn(storage.config().region()).stream()
                .map(SiteConfig::name).toList()) + " of region " + storage.config().region();
    }
}
