package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A hot backup of a PostgreSQL server on this host, full or differential: {@code pg_backup_start}
 * (fast checkpoint, non-exclusive, so it lives as long as the given session), read the data
 * directory ourselves, {@code pg_backup_stop}, write the manifest. WAL from the start LSN to the
 * stop LSN is not copied here: the log capture keeps it, and a restore needs both.
 * A differential stores only the pages that changed since its full (see {@link BackupFileReader});
 * when it would store more than {@link #DIFF_LIMIT} of the data, a full is taken in its place.
 * If anything fails, the server is taken out of backup mode and the objects written are removed.
 */
public final class PgBaseBackup {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PgBaseBackup.class);
    public static final int DEFAULT_PARALLELISM = 2;
    /**
     * A differential that would store more than this share of the data directory is not worth
     * it: restoring it reads nearly a full anyway, and the next differential would be bigger still.
     */
    public static final double DIFF_LIMIT = 0.5;

    /**
     * @param startLsn     where replay starts (the checkpoint's redo location)
     * @param stopLsn      where the copy becomes consistent
     * @param stoppedAt    when pg_backup_stop returned: the earliest time this backup restores to
     * @param kind         {@link BackupManifest#FULL} or {@link BackupManifest#DIFF}: what was taken
     * @param baseBackupId the full a differential rests on; null for a full
     * @param logicalBytes bytes of the data directory the backup restores
     * @param changedBytes bytes of file data the backup itself stored (for a full, all of them)
     * @param storedBytes  bytes the backup's own objects take in the repository
     * @param note         why a full was taken when a differential was asked for; null otherwise
     * @param walGuided    a differential that read only the pages the WAL since its full names
     */
    public record Result(String backupId, String kind, String baseBackupId, Lsn startLsn, Lsn checkpointLsn,
                         Lsn stopLsn, int timeline, Instant startedAt, Instant stoppedAt, long fileCount,
                         long logicalBytes, long changedBytes, long storedBytes, String note, boolean walGuided) {
    }

    private final Repository repo;
    private final String serverId;
    private final int parallelism;
    private final Progress progress;
    private final PgWalSummary summaries;

    public PgBaseBackup(Repository repo, String serverId) {
        this(repo, serverId, DEFAULT_PARALLELISM, Progress.NONE);
    }

    public PgBaseBackup(Repository repo, String serverId, int parallelism, Progress progress) {
        this(repo, serverId, parallelism, progress, null);
    }

    /**
     * @param summaries where a differential learns from the WAL which pages changed, so it reads
     *                  only those; null: a differential reads every page
     */
    PgBaseBackup(Repository repo, String serverId, int parallelism, Progress progress, PgWalSummary summaries) {
        if (parallelism < 1) {
            throw HindsightException.invalid("backup parallelism must be at least 1, not " + parallelism,
                    "use about one worker per CPU core");
        }
        this.repo = repo;
        this.serverId = serverId;
        this.parallelism = parallelism;
        this.progress = progress;
        this.summaries = summaries;
    }

    /** Takes a full backup; see {@link #run(Connection, Path, String, String)}. */
    public Result run(Connection server, Path dataDir, String backupId) throws IOException, InterruptedException {
        return run(server, dataDir, backupId, null);
    }

    /**
     * Takes the backup: a differential against full {@code baseBackupId}, or a full when that is
     * null (or when the differential would be too big: the result says so). {@code server} must
     * be connected as a role allowed to run pg_backup_start/stop; the session must stay open
     * until this returns.
     *
     * @throws HindsightException for any failure, with context and a hint; by then the server
     *                            is out of backup mode and the backup's objects are removed (the
     *                            checked exceptions are declared for callers written against them)
     */
    public Result run(Connection server, Path dataDir, String backupId, String baseBackupId)
            throws IOException, InterruptedException {
        if (baseBackupId == null) {
            return take(server, dataDir, backupId, null, null);
        }
        // the full's manifest and block map are read while the server checkpoints
        CompletableFuture<DiffBase> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            long began = System.nanoTime();
            try {
                opening.complete(DiffBase.open(repo, serverId, baseBackupId));
                log.info("Backup {}: full {} opened in {} ms", backupId, baseBackupId, ms(began, System.nanoTime()));
            } catch (Throwable e) { // whatever it is, the backup waiting in backup mode must hear of it
                opening.completeExceptionally(e);
            }
        }, "open-base-" + backupId);
        opener.setDaemon(true);
        opener.start();
        try {
            return take(server, dataDir, backupId, opening, null);
        } catch (TooLargeDiff e) {
            String note = "differential against " + baseBackupId + " would have stored more than "
                    + e.tooLarge.changedBytes + " of " + e.tooLarge.totalBytes + " bytes (limit "
                    + Math.round(DIFF_LIMIT * 100) + " %): a full backup was taken instead";
            return take(server, dataDir, backupId, null, note);
        } finally {
            closeWhenOpened(opener, opening, backupId);
        }
    }

    /**
     * Waits for the opener (not interruptibly: a cancelled backup must still close the full's
     * stream, and keep its own error) and closes what it opened; a failure to close is logged.
     */
    private static void closeWhenOpened(Thread opener, CompletableFuture<DiffBase> opening, String backupId) {
        boolean interrupted = false;
        while (opener.isAlive()) {
            try {
                opener.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!opening.isCompletedExceptionally()) {
            try {
                opening.join().close();
            } catch (IOException | RuntimeException e) {
                log.warn("Backup {}: closing the full's block map failed: {}", backupId, e.toString());
            }
        }
    }

    /** The full a differential rests on, or none and why a full is taken instead. */
    private record Base(DiffBase base, String fullBecause) {
    }

    /**
     * The opened full, or none with the reason when a full must be taken instead (e.g. a full
     * taken before block maps existed: a full now is what the next differential needs). Any
     * other failure fails the backup.
     */
    private static Base openedBase(CompletableFuture<DiffBase> opening) throws InterruptedException {
        try {
            return new Base(opening.get(), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HindsightException h && (h.kind() == HindsightException.Kind.NOT_FOUND
                    || h.kind() == HindsightException.Kind.INVALID_INPUT)) {
                return new Base(null, h.getMessage() + ": a full backup was taken instead");
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e.getCause() instanceof RuntimeException r ? r
                    : new UncheckedIOException(new IOException(e.getCause().getMessage(), e.getCause()));
        }
    }

    /** A differential gave up: carries the reader's figures out of the cleanup. */
    private static final class TooLargeDiff extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient BackupFileReader.TooLarge tooLarge;

        TooLargeDiff(BackupFileReader.TooLarge tooLarge) {
            super(tooLarge.getMessage(), tooLarge, false, false);
            this.tooLarge = tooLarge;
        }
    }

    /** @param opening the full a differential rests on, being opened; null for a full */
    private Result take(Connection server, Path dataDir, String backupId, CompletableFuture<DiffBase> opening,
                        String fullNote) throws IOException, InterruptedException {
        Instant startedAt = Instant.now();
        boolean inBackup = false;
        String note = fullNote;
        try {
            progress.update("checkpoint", 0, -1);
            long[] at = new long[6];
            at[0] = System.nanoTime();
            Lsn startLsn = start(server, backupId);
            inBackup = true;
            DataDirectoryScan.Result scan = DataDirectoryScan.scan(dataDir);
            Base opened = opening == null ? new Base(null, null) : openedBase(opening);
            DiffBase base = opened.base();
            note = opened.fullBecause() != null ? opened.fullBecause() : note;
            at[1] = System.nanoTime();
            if (base != null && summaries != null) {
                progress.update("reading the log since the full", 0, -1);
                base.useChanges(summaries.changedBetween(server, base.timeline(), base.startLsn(), startLsn,
                        scan.totalBytes()));
            }
            at[2] = System.nanoTime();
            BackupCopier.Copied copied = BackupCopier.copy(scan, repo, serverId, backupId, parallelism, progress,
                    base, (long) (scan.totalBytes() * DIFF_LIMIT));
            at[3] = System.nanoTime();
            PgBackupStop stop = PgBackupStop.stop(server);
            inBackup = false;
            at[4] = System.nanoTime();
            PgBackupLabel label = PgBackupLabel.parse(stop.labelFile());
            String kind = base == null ? BackupManifest.FULL : BackupManifest.DIFF;
            String baseId = base == null ? null : base.backupId();
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, backupId, serverId,
                    BackupManifest.ENGINE, kind, baseId, label.timeline(), label.start(), label.checkpoint(),
                    stop.lsn(), startedAt, stop.stoppedAt(), stop.labelFile(), stop.spcmapFile(), scan.dirs().stream()
                    .map(d -> new BackupManifest.ManifestDir(d.path(), d.mode())).toList(), copied.files());
            long stored = copied.storedBytes() + repo.writeBytes(Layout.manifest(serverId, backupId),
                    BackupManifestWriter.write(manifest));
            at[5] = System.nanoTime();
            log.info("Backup {}: start and scan {} ms, log since the full {} ms, copy {} ms, stop {} ms, manifest {} ms",
                    backupId, ms(at[0], at[1]), ms(at[1], at[2]), ms(at[2], at[3]), ms(at[3], at[4]), ms(at[4], at[5]));
            return new Result(backupId, kind, baseId, label.start(), label.checkpoint(), stop.lsn(), label.timeline(),
                    startedAt, stop.stoppedAt(), manifest.files().size(), manifest.logicalBytes(),
                    copied.storedLogicalBytes(), stored, note, base != null && base.walGuided());
        } catch (BackupFileReader.TooLarge e) {
            abandon(server, inBackup, backupId, e);
            throw new TooLargeDiff(e);
        } catch (IOException | SQLException | RuntimeException | InterruptedException e) {
            abandon(server, inBackup, backupId, e);
            throw failed(backupId, e);
        }
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** Starts backup mode and returns where replay will start (the checkpoint's redo location). */
    private Lsn start(Connection server, String backupId) throws SQLException {
        try (Statement st = server.createStatement();
             // fast = true: request an immediate checkpoint instead of waiting for a spread one
             ResultSet rs = st.executeQuery("SELECT pg_backup_start('hindsight " + backupId.replace("'", "''")
                     + "', true)")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
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
