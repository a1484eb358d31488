package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.RedoSample;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One restore of a MariaDB server into a new data directory, to the plan's point: the backup
 * (full, and its differential) prepared in place; for a time or "latest" target, the binary logs
 * from the backup's position staged and replayed by the server itself up to the last transaction
 * committed in or before the target's second (see {@link BinlogTransactions}); the server's GTID
 * state continued from the source's. Leaves the server running with its normal settings.
 */
final class MariaDbRestoreRun {
    private static final Logger log = LoggerFactory.getLogger(MariaDbRestoreRun.class);
    private static final Duration REPLAY_TIMEOUT = Duration.ofHours(12);

    private final Repository repository;
    private final RestorePlan plan;
    private final ServerRecord source;
    private final MariaDbCluster cluster;
    private final Path stagingDir;
    private final int replayThreads;

    MariaDbRestoreRun(Repository repository, RestorePlan plan, ServerRecord source, MariaDbCluster cluster,
                      Path stagingDir, int replayThreads) {
        this.repository = repository;
        this.plan = plan;
        this.source = source;
        this.cluster = cluster;
        this.stagingDir = stagingDir;
        this.replayThreads = replayThreads;
    }

    /** Restores; returns how fast the binary log was replayed, when any was. */
    Optional<RedoSample> run(Progress progress) throws IOException {
        MariaDbBackupManifest backup = MariaDbEngine.manifest(repository, source.id(), plan.backup().id());
        List<MariaDbBackupManifest> chain = new ArrayList<>();
        if (MariaDbBackupManifest.DIFF.equals(backup.kind())) {
            chain.add(MariaDbEngine.manifest(repository, source.id(), backup.baseBackupId()));
        }
        chain.add(backup);
        Files.createDirectories(stagingDir);
        new MariaDbRestore(cluster.installation(), repository).materialize(chain, cluster.dataDir(), stagingDir,
                cluster.osUser(), progress);

        BinlogPosition start = backup.binlogPosition();
        MariaDbRestore.ReplayLogs logs = MariaDbRestore.stageReplay(repository, source.id(), plan, start,
                stagingDir.resolve("binlog"), progress);
        try {
            if (logs.until().isPresent()) {
                return Optional.of(replay(start, logs.replayed(), logs.until().get(), backup.gtid(), progress));
            } else {
                cluster.start(MariaDbEngine.START_TIMEOUT);
                try (Connection c = admin()) {
                    MariaDbReplay.adoptGtidState(c, backup.gtid());
                }
                log.info("Restored {} to backup {} at {}: no transaction to replay", source.name(), backup.position(),
                        plan.pointInTime());
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.FAILED, "the restored server in " + cluster.dataDir()
                    + " refused a step of the restore: " + e.getMessage(), "see " + MariaDbConfig.errorLog(
                    cluster.runDir()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while replaying the binary log", e);
        } finally {
            FileTrees.deleteRecursively(stagingDir);
        }
    }

    private RedoSample replay(BinlogPosition start, List<Path> files, BinlogTransactions.TransactionEnd until,
                              String gtid, Progress progress) throws IOException, SQLException, InterruptedException {
        // the first file from the backup's position, the last to the transaction replayed to; sized
        // before they move into the data directory as relay logs
        long bytes = -start.offset();
        for (int i = 0; i < files.size(); i++) {
            bytes += i == files.size() - 1 ? until.end() : Files.size(files.get(i));
        }
        MariaDbReplay.installRelayLogs(files, cluster.dataDir());
        cluster.osUser().giveOwnership(cluster.dataDir());
        cluster.start(MariaDbEngine.START_TIMEOUT, MariaDbReplay.serverOptions(replayThreads));
        progress.update("replaying the binary log", 0, -1);
        long began = System.nanoTime();
        try (Connection c = admin()) {
            MariaDbReplay.adoptGtidState(c, gtid);
            MariaDbReplay.apply(c, start, until, REPLAY_TIMEOUT);
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        log.info("Replay of {} into {} took {} ms", source.name(), cluster.dataDir(), millis);
        cluster.stop(MariaDbEngine.START_TIMEOUT);
        cluster.start(MariaDbEngine.START_TIMEOUT);
        return new RedoSample("mariadb", Math.max(0, bytes), millis);
    }

    /**
     * A login that may set up replication in the restored server: root over the unix socket when
     * Hindsight is root (an attached server's recorded login is a backup login without that
     * right), else the source's administrator, whose login came back with the data.
     */
    private Connection admin() throws SQLException {
        if (OsUser.isRoot()) {
            try {
                return cluster.connectBySocket();
            } catch (SQLException e) {
                log.debug("root over the socket refused ({}); using the administrator's login", e.getMessage());
            }
        }
        return cluster.connect(source.adminUser(), source.adminPassword());
    }
}
