package dev.hindsight.engine.postgres;

import dev.hindsight.HindsightException;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * A hot full backup of a PostgreSQL server on this host: {@code pg_backup_start} (fast
 * checkpoint, non-exclusive, so it lives as long as the given session), read the data directory
 * ourselves, {@code pg_backup_stop}, write the manifest. WAL from the start LSN to the stop LSN
 * is not copied here: the log capture keeps it, and a restore needs both.
 * If anything fails, the server is taken out of backup mode and the objects written are removed.
 */
public final class PgBaseBackup {
    public static final int DEFAULT_PARALLELISM = 2;

    /**
     * @param startLsn     where replay starts (the checkpoint's redo location)
     * @param stopLsn      where the copy becomes consistent
     * @param stoppedAt    when pg_backup_stop returned: the earliest time this backup restores to
     * @param logicalBytes bytes read from the data directory
     * @param storedBytes  bytes the bundles and manifest take in the repository
     */
    public record Result(String backupId, Lsn startLsn, Lsn checkpointLsn, Lsn stopLsn, int timeline,
                         Instant startedAt, Instant stoppedAt, long fileCount, long logicalBytes,
                         long storedBytes) {
    }

    private final Repository repo;
    private final String serverId;
    private final int parallelism;
    private final Progress progress;

    public PgBaseBackup(Repository repo, String serverId) {
        this(repo, serverId, DEFAULT_PARALLELISM, Progress.NONE);
    }

    public PgBaseBackup(Repository repo, String serverId, int parallelism, Progress progress) {
        if (parallelism < 1) {
            throw HindsightException.invalid("backup parallelism must be at least 1, not " + parallelism,
                    "use about one worker per CPU core");
        }
        this.repo = repo;
        this.serverId = serverId;
        this.parallelism = parallelism;
        this.progress = progress;
    }

    /**
     * Takes the backup. {@code server} must be connected as a role allowed to run
     * pg_backup_start/stop; the session must stay open until this returns.
     *
     * @throws HindsightException for any failure, with context and a hint; by then the server
     *                            is out of backup mode and the backup's objects are removed (the
     *                            checked exceptions are declared for callers written against them)
     */
    public Result run(Connection server, Path dataDir, String backupId) throws IOException, InterruptedException {
        Instant startedAt = Instant.now();
        boolean inBackup = false;
        try {
            progress.update("checkpoint", 0, -1);
            start(server, backupId);
            inBackup = true;
            DataDirectoryScan.Result scan = DataDirectoryScan.scan(dataDir);
            BackupCopier.Copied copied = BackupCopier.copy(scan, repo, serverId, backupId, parallelism, progress);
            PgBackupStop stop = PgBackupStop.stop(server);
            inBackup = false;
            PgBackupLabel label = PgBackupLabel.parse(stop.labelFile());
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, backupId, serverId,
                    BackupManifest.ENGINE, label.timeline(), label.start(), label.checkpoint(), stop.lsn(),
                    startedAt, stop.stoppedAt(), stop.labelFile(), stop.spcmapFile(), scan.dirs().stream()
                    .map(d -> new BackupManifest.ManifestDir(d.path(), d.mode())).toList(), copied.files());
            long stored = copied.storedBytes() + repo.writeJson(Layout.manifest(serverId, backupId), manifest);
            return new Result(backupId, label.start(), label.checkpoint(), stop.lsn(), label.timeline(), startedAt,
                    stop.stoppedAt(), manifest.files().size(), manifest.logicalBytes(), stored);
        } catch (IOException | SQLException | RuntimeException | InterruptedException e) {
            abandon(server, inBackup, backupId, e);
            throw failed(backupId, e);
        }
    }

    private void start(Connection server, String backupId) throws SQLException {
        try (Statement st = server.createStatement()) {
            // fast = true: request an immediate checkpoint instead of waiting for a spread one
            st.execute("SELECT pg_backup_start('hindsight " + backupId.replace("'", "''") + "', true)");
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new HindsightException(HindsightException.Kind.FAILED,
                        "the backup role may not start a backup on server " + serverId + ": " + e.getMessage(),
                        "GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean), pg_backup_stop(boolean) TO <role>", e);
            }
            throw e;
        }
    }

    /** Leaves the server out of backup mode and removes what this backup wrote; never throws. */
    private void abandon(Connection server, boolean inBackup, String backupId, Exception cause) {
        if (inBackup) {
            try {
                PgBackupStop.abort(server);
            } catch (SQLException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        try {
            for (ObjectInfo o : repo.list(Layout.backupPrefix(serverId, backupId))) {
                repo.delete(o.key());
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private RuntimeException failed(String backupId, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String what = "base backup " + backupId + " of server " + serverId + " failed: " + e.getMessage();
        if (e instanceof HindsightException h) {
            return new HindsightException(h.kind(), what, h.hint(), e);
        }
        return new HindsightException(HindsightException.Kind.FAILED, what,
                "the server was taken out of backup mode and the partial backup removed; fix the cause and run it again",
                e);
    }
}
