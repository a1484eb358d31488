package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.ServerSpec;
import dev.hindsight.engine.Snapshot;
import dev.hindsight.engine.SnapshotSource;
import dev.hindsight.plan.Position;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
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
            return new Taken(m, base.isPresent(), note);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A mariadb-backup stream as the catalog records it: one binary log position for start and stop. */
    private record Taken(MariaDbBackupManifest m, boolean differential, String note) implements Snapshot {
        @Override
        public Position stop() {
            return m.binlogPosition();
        }

        @Override
        public long files() {
            return m.parts().size();
        }

        @Override
        public long logicalBytes() {
            return m.streamBytes();
        }

        @Override
        public long storedBytes() {
            return m.storedBytes();
        }

        @Override
        public BackupRecord completed(BackupRecord running, Instant finishedAt) {
            return running.completed(finishedAt, m.consistentAt(), m.position(), m.position(), 1, m.parts().size(),
                    m.streamBytes(), m.storedBytes());
        }
    }
}
