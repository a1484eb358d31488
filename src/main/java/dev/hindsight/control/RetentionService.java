package dev.hindsight.control;

import dev.hindsight.engine.Engines;
import dev.hindsight.engine.ServerPlans;
import dev.hindsight.jobs.PurgeExecutor;
import dev.hindsight.plan.LtrPlanner;
import dev.hindsight.plan.RetentionPlan;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.LtrHold;
import dev.hindsight.repo.catalog.LtrPolicy;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.ObjectInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** Long-term retention holds and the purge of what a server's retention window no longer needs. */
public record RetentionService(Repository repository, Engines engines, ServerLookup lookup, ServerViews views,
                               Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);

    /** Sets the long-term retention policy and puts its holds on the backups it chooses now. */
    public ServerView setLtr(String name, LtrPolicy policy) throws IOException {
        ServerRecord record = lookup.live(name);
        LockService.requireChangeable(record);
        repository.updateCatalog(c -> c.withServer(c.server(record.id()).orElseThrow().withLtr(policy)));
        applyLtr(repository, record.id(), clock.instant());
        log.info("Server {}: long-term retention {}", name, policy);
        return views.show(name);
    }

    /** Applies the server's retention policy as of {@code now}: LTR holds, then the catalog, then objects. */
    public PurgeExecutor.Outcome purge(String name, Instant now) throws IOException {
        applyLtr(repository, lookup.live(name).id(), now);
        ServerRecord record = lookup.live(name);
        RetentionPlan plan = ServerPlans.retention(engines.get(record.engine()), repository, record,
                now);
        return PurgeExecutor.execute(repository, engines.get(record.engine()).logs(), record.id(),
                plan);
    }

    /**
     * Applies the retention of every deleted server as of {@code now}, as if it were online: kept
     * while its window reaches its deletion, then gone but for the fulls long-term retention
     * holds (no new holds are made: it takes no new backups). Returns the outcome per server.
     */
    public Map<String, PurgeExecutor.Outcome> purgeDeleted(Instant now) throws IOException {
        Map<String, PurgeExecutor.Outcome> outcomes = new java.util.LinkedHashMap<>();
        for (ServerRecord record : repository.catalog().deletedServers()) {
            String which = record.name() + " (deleted " + record.deletedAt() + ")";
            try {
                var engine = engines.get(record.engine());
                if (repository.catalog().backupsOf(record.id()).isEmpty()
                        && engine.logs().chain(repository, record.id()).objects().isEmpty()) {
                    continue; // purged down to nothing
                }
                RetentionPlan plan = ServerPlans.retentionOfDeleted(engine, repository, record, now);
                outcomes.put(which, PurgeExecutor.execute(repository, engine.logs(), record.id(), plan));
            } catch (IOException | RuntimeException e) {
                log.error("Purge of deleted server {} failed; it runs again next hour", which, e);
            }
        }
        return outcomes;
    }

    /**
     * Marks the full backups the server's LTR policy chooses at {@code now} (holds only grow:
     * a policy change never shortens what an earlier policy promised).
     */
    static void applyLtr(Repository repository, String serverId, Instant now) throws IOException {
        Catalog catalog = repository.catalog();
        ServerRecord record = catalog.server(serverId).orElseThrow();
        Map<String, LtrHold> holds = LtrPlanner.holds(catalog.backupsOf(serverId), record.ltr(), now);
        boolean changes = catalog.backupsOf(serverId).stream().anyMatch(b -> holds.containsKey(b.id())
                && !b.equals(b.heldFor(holds.get(b.id()))));
        if (!changes) {
            return;
        }
        if (!record.immutability().isZero()) {
            protectForHolds(repository, catalog, serverId, holds);
        }
        repository.updateCatalog(c -> {
            Catalog next = c;
            for (BackupRecord b : c.backupsOf(serverId)) {
                if (holds.containsKey(b.id())) {
                    BackupRecord held = b.heldFor(holds.get(b.id()));
                    next = next.withBackup(record.immutability().isZero() ? held : held.immutableTo(held.ltr().until()));
                }
            }
            return next;
        });
    }

    /**
     * A held full of an immutable server stays immutable until its hold ends: the storage's
     * protection of each of its objects is extended first, the catalog says so after.
     */
    private static void protectForHolds(Repository repository, Catalog catalog, String serverId,
                                        Map<String, LtrHold> holds) throws IOException {
        for (BackupRecord b : catalog.backupsOf(serverId)) {
            LtrHold hold = holds.get(b.id());
            if (hold == null || (b.immutableUntil() != null && !b.immutableUntil().isBefore(hold.until()))) {
                continue;
            }
            for (ObjectInfo o : repository.list(Layout.backupPrefix(serverId, b.id()))) {
                repository.store().protect(o.key(), hold.until());
            }
            log.info("Backup {} of server {}: immutable until its long-term hold ends, {}", b.id(), serverId,
                    hold.until());
        }
    }
}
