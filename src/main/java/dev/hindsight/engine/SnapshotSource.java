package dev.hindsight.engine;

import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.Progress;

import java.io.IOException;

/** Full and differential backups of a running server, streamed into the repository. */
public interface SnapshotSource {
    /**
     * Takes a backup while the server runs: a differential against full {@code baseBackupId}
     * (only what changed since it), or a full when that is null. An engine may take a full where
     * a differential was asked for (it would be too big); the snapshot says which and why.
     * Returns once the backup's files are in the repository; it is restorable once the log
     * capture holds its {@link Snapshot#stop() stop position}.
     */
    Snapshot take(ServerRecord record, ServerSpec server, Repository repository, String backupId,
                  String baseBackupId, Progress progress) throws IOException;
}
