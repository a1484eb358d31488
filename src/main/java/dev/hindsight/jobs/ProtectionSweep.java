package dev.hindsight.jobs;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An immutable server's object is protected right after it is committed, before it is
 * acknowledged; a daemon that died in between left it committed but unprotected. At start, each
 * immutable server's objects written in the last {@link #LOOKBACK} without a protection are
 * protected until their write time plus the period, as they would have been.
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
                for (ObjectInfo o : repository.list(Layout.serverPrefix(server.id()))) {
                    if (o.modified().isBefore(now.minus(LOOKBACK))) {
                        continue;
                    }
                    Instant until = o.modified().plus(server.immutability());
                    if (until.isAfter(now) && repository.store().protectedUntil(o.key()).isEmpty()) {
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
}
