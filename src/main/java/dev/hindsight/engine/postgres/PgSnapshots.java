package dev.hindsight.engine.postgres;

import dev.hindsight.engine.ServerSpec;
import dev.hindsight.engine.Snapshot;
import dev.hindsight.engine.SnapshotSource;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.repo.catalog.Standby;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/** PostgreSQL backups: the base backup protocol, differentials guided by the WAL summaries of the live capture. */
final class PgSnapshots implements SnapshotSource {
    private static final Logger log = LoggerFactory.getLogger(PgSnapshots.class);

    private final Map<String, PgWalSummarizer> summarizers;

    PgSnapshots(Map<String, PgWalSummarizer> summarizers) {
        this.summarizers = summarizers;
    }

    @Override
    public Snapshot take(ServerRecord record, ServerSpec server, Repository repository, String backupId,
                         String baseBackupId, Progress progress) throws IOException {
        PgCluster cluster = PostgresEngine.cluster(server);
        long connecting = System.nanoTime();
        try (Connection c = cluster.connect(record.agentUser(), record.agentPassword(), "postgres")) {
            log.info("Backup {}: connected in {} ms", backupId, (System.nanoTime() - connecting) / 1_000_000);
            Standby standby = record.standby();
            if (standby == null) {
                return take(cluster, record, repository, backupId, baseBackupId, progress, c, server.dataDir());
            }
            String why;
            try (Connection sc = PgStandby.connect(standby, record.agentUser(), record.agentPassword())) {
                Optional<String> unusable = PgStandby.unusable(standby, c, sc);
                if (unusable.isEmpty()) {
                    log.info("Backup {} of server {}: from its standby on port {}", backupId, record.name(),
                            standby.port());
                    return take(cluster, record, repository, backupId, baseBackupId, progress, sc,
                            Path.of(standby.dataDir()))
                            .from(BackupRecord.STANDBY, null);
                }
                why = unusable.get();
            } catch (SQLException e) {
                why = "cannot be reached (" + e.getMessage() + ")";
            }
            String note = "the standby on " + standby.host() + ":" + standby.port() + " " + why
                    + ": taken from the primary";
            log.warn("Backup {} of server {}: {}", backupId, record.name(), note);
            return take(cluster, record, repository, backupId, baseBackupId, progress, c, server.dataDir())
                    .from(null, note);
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                    "cannot connect to server " + record.name() + " for a backup: " + e.getMessage(),
                    "check that the server runs: `hindsight server show --name " + record.name() + "`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The backup itself, over {@code connection} and reading {@code dataDir}: the primary's or its standby's. */
    private Snapshot take(PgCluster cluster, ServerRecord record, Repository repository, String backupId, String baseBackupId,
                          Progress progress, Connection connection, Path dataDir) throws IOException,
            InterruptedException {
        PgWalSummary summaries = new PgWalSummary(cluster.installation(), new WalArchive(repository, record.id()),
                new PgWalSummaries(repository, record.id()), Optional.ofNullable(summarizers.get(record.id())),
                dataDir);
        PgBaseBackup.Result r = new PgBaseBackup(repository, record.id(), PgBaseBackup.DEFAULT_PARALLELISM,
                progress, summaries).run(connection, dataDir, backupId, baseBackupId);
        return new Snapshot(BackupManifest.DIFF.equals(r.kind()), r.note(), r.startLsn(), r.stopLsn(),
                r.timeline(), r.stoppedAt(), r.fileCount(), r.changedBytes(), r.storedBytes());
    }
}
