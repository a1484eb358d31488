package dev.hindsight.jobs;

import dev.hindsight.engine.LogSource;
import dev.hindsight.plan.RetentionPlan;
import dev.hindsight.plan.StoredLog;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.store.ObjectInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Carries out a {@link RetentionPlan}: the catalog first (the backups leave it), the objects
 * after. A crash in between leaves only objects no catalog entry refers to, and every run also
 * removes such leftovers — a backup is registered in the catalog before its first object is
 * written, so an object under an unknown backup id is never part of a backup in progress.
 */
public final class PurgeExecutor {
    private static final Logger log = LoggerFactory.getLogger(PurgeExecutor.class);

    /**
     * What a purge removed.
     *
     * @param leftovers backups whose objects were found without a catalog entry (an interrupted
     *                  purge or backup) and removed
     */
    public record Outcome(int backups, int walObjects, int leftovers) {
    }

    private PurgeExecutor() {
    }

    public static Outcome execute(Repository repository, LogSource logs, String serverId, RetentionPlan plan)
            throws IOException {
        Set<String> doomed = new HashSet<>();
        for (RetentionPlan.Decision<BackupRecord> d : plan.deleteBackups()) {
            doomed.add(d.item().id());
            log.info("Purging backup {} of server {}: {}", d.item().id(), serverId, d.reason());
        }
        spareStillImmutable(repository, serverId, doomed);
        if (!doomed.isEmpty()) {
            repository.updateCatalog(c -> c.withoutBackups(spareBasesStillNeeded(c, serverId, doomed)));
        }
        Set<String> swept = deleteUnreferencedBackupObjects(repository, serverId);
        swept.removeAll(doomed);
        int locked = 0;
        for (RetentionPlan.Decision<? extends StoredLog> d : plan.deleteWal()) {
            locked += deleteUnlessLocked(repository, d.item().key(serverId)) ? 0 : 1;
        }
        if (!plan.keepLockedWal().isEmpty()) {
            log.info("Keeping {} log objects of server {} the storage holds immutable ({})",
                    plan.keepLockedWal().size(), serverId, plan.keepLockedWal().get(0).reason());
        }
        if (!plan.deleteWal().isEmpty()) {
            log.info("Purged {} log objects of server {} ({})", plan.deleteWal().size(), serverId,
                    plan.deleteWal().get(0).reason());
        }
        logs.purgeLeftovers(repository, serverId);
        return new Outcome(doomed.size(), plan.deleteWal().size() - locked, swept.size());
    }

    /**
     * Takes out of {@code doomed} every full that a backup staying in the catalog rests on. The
     * planner never plans that; this holds against a differential registered after the plan
     * was made, and is checked against the very catalog version being replaced.
     */
    private static Set<String> spareBasesStillNeeded(Catalog catalog, String serverId, Set<String> doomed) {
        for (BackupRecord b : catalog.backupsOf(serverId)) {
            if (!doomed.contains(b.id()) && b.baseBackupId() != null && doomed.remove(b.baseBackupId())) {
                log.warn("Not purging backup {} of server {}: differential {} rests on it", b.baseBackupId(),
                        serverId, b.id());
            }
        }
        return doomed;
    }

    /**
     * Takes out of {@code doomed} every backup whose manifest the storage still holds immutable:
     * its objects could not be deleted, and dropping its catalog entry would leave them in place
     * but unusable. The plan may have been made with a "now" ahead of the storage's clock, or
     * with a shorter period than the one the objects were written under. The storage judges by
     * the real time, so this does too.
     */
    private static void spareStillImmutable(Repository repository, String serverId, Set<String> doomed)
            throws IOException {
        Instant realNow = Instant.now();
        for (Iterator<String> it = doomed.iterator(); it.hasNext(); ) {
            String backupId = it.next();
            String manifest = Layout.manifest(serverId, backupId);
            if (repository.store().stat(manifest).isEmpty()) {
                continue; // a failed backup without a manifest: its leftovers are swept object by object
            }
            Optional<Instant> until = repository.store().protectedUntil(manifest);
            if (until.isPresent() && until.get().isAfter(realNow)) {
                log.warn("Not purging backup {} of server {}: the storage holds it immutable until {}", backupId,
                        serverId, until.get());
                it.remove();
            }
        }
    }

    /**
     * Deletes an object unless the storage still holds it immutable (a protection longer than the
     * catalog knew of): then it stays, to be tried again by a later purge once it has ended.
     */
    private static boolean deleteUnlessLocked(Repository repository, String key) throws IOException {
        if (repository.deleteUnlessImmutable(key)) {
            return true;
        }
        log.info("Not deleting {} yet: the storage still holds it immutable", key);
        return false;
    }

    /** Returns the ids of the backups whose objects were removed. */
    private static Set<String> deleteUnreferencedBackupObjects(Repository repository, String serverId) throws IOException {
        // list first, catalog second: an object listed belongs to a backup registered before it
        // was written, so the catalog read afterwards knows that backup (read the other way
        // round, a backup starting in between would lose its first objects)
        String prefix = Layout.serverPrefix(serverId) + "backups/";
        List<ObjectInfo> objects = repository.list(prefix);
        Catalog catalog = repository.catalog();
        Set<String> removed = new HashSet<>();
        for (ObjectInfo o : objects) {
            String backupId = o.key().substring(prefix.length(), o.key().indexOf('/', prefix.length()));
            if (catalog.backup(backupId).isEmpty() && deleteUnlessLocked(repository, o.key())) {
                removed.add(backupId);
            }
        }
        return removed;
    }
}
