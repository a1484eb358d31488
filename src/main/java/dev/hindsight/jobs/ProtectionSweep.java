package dev.hindsight.jobs;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.PlacedStore;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An immutable server's object is protected right after it is committed, before it is
 * acknowledged; a daemon that died in between left it committed but unprotected, in some copies
 * or all. At start, each immutable server's objects written within {@link #LOOKBACK} of its
 * newest one (the moment the old daemon stopped writing, however long ago) that some copy holds
 * unprotected are protected until their write time plus the period, as they would have been.
 */
public final class ProtectionSweep {
    private static final Logger log = LoggerFactory.getLogger(ProtectionSweep.class);
    public static final Duration LOOKBACK = Duration.ofDays(1);

    private ProtectionSweep() {
    }

    /** Returns how many objects it protected. */
    public static int run(Repository repository, List<ServerRecord> servers, Instant now) {
        int protectedNow = 0;
        for (ServerRecord server : servers) {
            if (server.deleted() || server.immutability().isZero()) {
                continue;
            }
            try {
                List<ObjectInfo> objects = repository.list(Layout.serverPrefix(server.id()));
                Instant newest = objects.stream().map(ObjectInfo::modified).max(Instant::compareTo).orElse(now);
                for (ObjectInfo o : objects) {
                    if (o.modified().isBefore(newest.minus(LOOKBACK))) {
                        continue;
                    }
                    Instant until = o.modified().plus(server.immutability());
                    if (until.isAfter(now) && weakestProtection(repository.store(), o.key()).isEmpty()) {
                        try {
                            repository.store().protect(o.key(), until);
                            protectedNow++;
                        } catch (NoSuchObjectException e) {
                            // purged since the listing
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.warn("Could not check the protection of server {}'s recent objects: {}", server.name(),
                        e.getMessage());
            }
        }
        if (protectedNow > 0) {
            log.warn("Protected {} recent objects of immutable servers that a stopped daemon had left unprotected",
                    protectedNow);
        }
        return protectedNow;
    }

    private static Optional<Instant> weakestProtection(Store store, String key) throws IOException {
        return store instanceof PlacedStore placed ? placed.weakestProtection(key) : store.protectedUntil(key);
    }
}
