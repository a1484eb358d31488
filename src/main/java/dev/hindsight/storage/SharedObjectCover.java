package dev.hindsight.storage;

import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.Store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the repository-wide objects that every other object needs to be read (the keyring)
 * immutable at least as long as any object a server has made immutable: a locked backup whose
 * key can be deleted is not protected. Each cover reaches a day past what was asked, so it is
 * renewed about once a day, not on every write. Copies that cannot hold objects immutable are
 * passed over: no server's immutable objects live there.
 */
final class SharedObjectCover {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SharedObjectCover.class);
    static final Duration AHEAD = Duration.ofDays(1);

    private final List<String> keys;
    private Instant coveredUntil = Instant.MIN; // guarded by this

    /** @param keys object names, and prefixes (ending in '/') whose objects are listed each time */
    SharedObjectCover(List<String> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The next immutable write covers the shared objects again (one was added, e.g. a rotated key). */
    synchronized void renew() {
        coveredUntil = Instant.MIN;
    }

    /**
     * Makes sure every shared object is immutable until at least {@code until}, in each copy that
     * can hold it so: in {@code copies} or the write fails; in {@code bestEffort} (the geo copy,
     * whose region may be down) as far as it answers, the next cover trying again.
     */
    synchronized void cover(List<SiteCopy> copies, List<SiteCopy> bestEffort, Instant until) throws IOException {
        if (keys.isEmpty() || !until.isAfter(coveredUntil)) {
            return;
        }
        Instant target = until.plus(AHEAD);
        List<String> covered = new ArrayList<>();
        for (SiteCopy copy : copies) {
            covered.addAll(coverIn(copy.store(), target));
        }
        for (SiteCopy copy : bestEffort) {
            try {
                coverIn(copy.store(), target);
            } catch (IOException | RuntimeException e) {
                log.warn("Could not keep the keyring immutable in site copy {} until {}: {}; tried again at the next"
                        + " cover", copy.label(), target, e.getMessage());
            }
        }
        for (String key : keys) {
            if (!key.endsWith("/") && !covered.contains(key)) {
                throw new IOException("cannot make " + key + " immutable until " + target + " in any copy of the"
                        + " repository, so the objects it unlocks would not be protected: check that the sites can hold"
                        + " objects immutable and that " + key + " exists in them");
            }
        }
        coveredUntil = target;
    }

    /** The shared objects protected in {@code store}; none where it cannot hold objects immutable. */
    private List<String> coverIn(Store store, Instant target) throws IOException {
        List<String> covered = new ArrayList<>();
        if (store.immutabilityRefusal().isPresent()) {
            return covered;
        }
        List<String> here = new ArrayList<>();
        for (String key : keys) {
            if (key.endsWith("/")) {
                store.list(key).forEach(o -> here.add(o.key())); // files added later (rotated keys)
            } else {
                here.add(key);
            }
        }
        for (String key : here) {
            try {
                store.protect(key, target);
                covered.add(key);
            } catch (NoSuchObjectException e) {
                // this copy lacks it; another copy holds it, and an opener writes it back
            }
        }
        return covered;
    }
}
