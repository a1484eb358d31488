package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which of a server's backups restore with what the catalog holds: a full, or a differential whose full is there. */
final class BackupChain {
    private final Map<String, BackupRecord> byId = new HashMap<>();

    BackupChain(List<BackupRecord> backups) {
        backups.forEach(b -> byId.put(b.id(), b));
    }

    /** Completed, and a full or a differential whose full is completed and listed. */
    boolean restorable(BackupRecord b) {
        if (!b.isCompleted()) {
            return false;
        }
        if (b.isFull()) {
            return true;
        }
        BackupRecord base = byId.get(b.baseBackupId());
        return base != null && base.isFull() && base.isCompleted();
    }
}
