package dev.hindsight.control;

import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ManagementLock;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A server's management locks (create, list, delete), kept in its catalog record, and the checks
 * every change of a server passes: deletion needs no lock at all, a settings change no read-only
 * lock. Refusals name the lock and how to remove it.
 */
public record LockService(Repository repository, ServerLookup lookup, Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(LockService.class);
    static final int MOST_LOCKS = 32;

    public List<ManagementLock> list(String server) throws IOException {
        return lookup.live(server).locks();
    }

    public ManagementLock create(String server, String name, String type, String notes, String actor)
            throws IOException {
        ManagementLock lock = ManagementLock.of(name, type, notes, clock.instant(), actor);
        ServerRecord record = lookup.live(server);
        repository.updateCatalog(c -> {
            // checked on the record the change is made to: two creates at once cannot both pass
            ServerRecord now = c.server(record.id()).orElseThrow();
            if (now.locks().stream().anyMatch(l -> l.name().equals(name))) {
                throw HindsightException.conflict("server " + server + " has a lock named " + name + " already",
                        "choose another name, or delete that lock first");
            }
            if (now.locks().size() >= MOST_LOCKS) {
                throw HindsightException.invalid("server " + server + " has " + MOST_LOCKS + " locks already",
                        "one delete or read-only lock is enough; delete some");
            }
            List<ManagementLock> locks = new ArrayList<>(now.locks());
            locks.add(lock);
            return c.withServer(now.withLocks(locks));
        });
        log.info("Server {}: {} made by {}", server, lock.describe(), actor);
        return lock;
    }

    public ManagementLock delete(String server, String name) throws IOException {
        ServerRecord record = lookup.live(server);
        ManagementLock lock = record.locks().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> HindsightException.notFound("server " + server + " has no lock named " + name,
                        "list them with `hindsight server lock list --server " + server + "`"));
        repository.updateCatalog(c -> {
            ServerRecord now = c.server(record.id()).orElseThrow();
            return c.withServer(now.withLocks(now.locks().stream().filter(l -> !l.name().equals(name)).toList()));
        });
        log.info("Server {}: {} removed", server, lock.describe());
        return lock;
    }

    /** Refuses to delete a server with any lock on it. */
    static void requireDeletable(ServerRecord record) {
        Optional<ManagementLock> lock = record.locks().stream().findFirst();
        if (lock.isPresent()) {
            throw refusal(record, lock.get(), "deleted");
        }
    }

    /** Refuses to change the settings of a server with a read-only lock. */
    static void requireChangeable(ServerRecord record) {
        Optional<ManagementLock> lock = record.locks().stream()
                .filter(l -> l.type() == ManagementLock.Type.READ_ONLY).findFirst();
        if (lock.isPresent()) {
            throw refusal(record, lock.get(), "changed (backups and restores from it go on)");
        }
    }

    private static HindsightException refusal(ServerRecord record, ManagementLock lock, String what) {
        return HindsightException.conflict("server " + record.name() + " has " + lock.describe() + ": it cannot be "
                + what, "an admin removes the lock first: `hindsight server lock delete --server " + record.name()
                + " --name " + lock.name() + "`");
    }
}
