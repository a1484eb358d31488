package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.ServerSpec;
import dev.hindsight.engine.Snapshot;
import dev.hindsight.engine.SnapshotSource;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/** MariaDB backups: mariadb-backup's stream, incremental against a full's LSN for a differential. */
final class MariaDbSnapshots implements SnapshotSource {
    private static final int BACKUP_WRITERS = 2;

    @Override
    public Snapshot take(ServerRecord record, ServerSpec server, Repository repository, String backupId,
                         String baseBackupId, Progress progress) throws IOException {
        MariaDbCluster cluster = MariaDbEngine.cluster(server);
        Optional<MariaDbBackup.Base> base = Optional.empty();
        String note = null;
        if (baseBackupId != null) {
            try {
                MariaDbBackupManifest full = MariaDbEngine.manifest(repository, record.id(), baseBackupId);
                base = Optional.of(new MariaDbBackup.Base(baseBackupId, full.toLsn()));
            } catch (IOException e) {
                note = "full backup " + baseBackupId + " cannot be read (" + e.getMessage() + "): a full was taken";
            }
        }
        try {
            MariaDbBackupManifest m = new MariaDbBackup(cluster.installation(), repository, record.id(),
                    Clock.systemUTC(), BACKUP_WRITERS).run(new MariaDbSource(cluster, record.agentUser(),
                    record.agentPassword()), server.dataDir(), server.runDir().resolve("backup-" + backupId), backupId,
                    base, progress);
            // one binary log position for start and stop: the backup is consistent where it starts replaying
            return new Snapshot(base.isPresent(), note, m.binlogPosition(), m.binlogPosition(), 1, m.consistentAt(),
                    m.parts().size(), m.streamBytes(), m.storedBytes());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
