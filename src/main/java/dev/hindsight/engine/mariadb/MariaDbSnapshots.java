package dev.hindsight.engine.mariadb;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.Optional;

/**
 * MariaDB backups: mariadb-backup's stream, incremental against a full's LSN for a differential;
 * from the server's replica when it has one that can serve it ({@link MariaDbReplica}), else
 * from the server with a note. A replica's pages carry its own LSNs, so a differential is taken
 * only where its full was; elsewhere a full is taken instead.
 */
final class MariaDbSnapshots implements SnapshotSource {
    private static final Logger log = LoggerFactory.getLogger(MariaDbSnapshots.class);
    private static final int BACKUP_WRITERS = 2;

    @Override
    public Snapshot take(ServerRecord record, ServerSpec server, Repository repository, String backupId,
                         String baseBackupId, Progress progress) throws IOException {
        MariaDbCluster cluster = MariaDbEngine.cluster(server);
        MariaDbSource primary = new MariaDbSource(cluster, record.agentUser(), record.agentPassword());
        Path workDir = server.runDir().resolve("backup-" + backupId);
        Standby standby = record.standby();
        try {
            if (standby == null) {
                return take(record, repository, backupId, baseBackupId, progress, primary, server.dataDir(), workDir,
                        null);
            }
            MariaDbReplica.Check check;
            try (Connection p = primary.connect()) {
                check = checkReplica(record, standby, p);
            } catch (SQLException e) {
                throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                        "cannot connect to server " + record.name() + " for a backup: " + e.getMessage(),
                        "check that the server runs: `hindsight server show --name " + record.name() + "`", e);
            }
            if (check.unusable() == null) {
                log.info("Backup {} of server {}: from its replica on port {}", backupId, record.name(),
                        standby.port());
                // a connection of its own: the one of the check could have timed out during a long copy
                MariaDbBackup.FromReplica from = new MariaDbBackup.FromReplica(sourceOf(standby), check.lsn(),
                        point -> {
                            try (Connection p = primary.connect()) {
                                return MariaDbGtidLocator.onTheServer(p, check.executed(), point);
                            }
                        });
                MariaDbReplica.Login login = new MariaDbReplica.Login(standby, record.agentUser(),
                        record.agentPassword());
                try {
                    return take(record, repository, backupId, baseBackupId, progress, login,
                            Path.of(standby.dataDir()), workDir, from).from(BackupRecord.STANDBY, null);
                } catch (MariaDbGtidLocator.UnmappableException e) {
                    // the next backups come from the server until the replica is looked at again
                    unmappable.put(standby.id(), new Refusal(e.getMessage(), Instant.now().plus(UNMAPPABLE_PAUSE)));
                    throw e;
                }
            }
            String note = "the replica on " + standby.host() + ":" + standby.port() + " " + check.unusable()
                    + ": taken from the primary";
            log.warn("Backup {} of server {}: {}", backupId, record.name(), note);
            return take(record, repository, backupId, baseBackupId, progress, primary, server.dataDir(), workDir,
                    null).from(null, note);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Why a replica's last backup could not be placed in the server's log, and until when that holds. */
    private record Refusal(String why, Instant until) {
    }

    private static final Duration UNMAPPABLE_PAUSE = Duration.ofHours(1);
    private final Map<String, Refusal> unmappable = new ConcurrentHashMap<>();

    private MariaDbReplica.Check checkReplica(ServerRecord record, Standby standby, Connection primary) {
        Refusal refusal = unmappable.get(String.valueOf(standby.id()));
        if (refusal != null && Instant.now().isBefore(refusal.until())) {
            return MariaDbReplica.Check.no("gave a backup that has no place in the server's binary log ("
                    + refusal.why() + "); tried again after " + refusal.until());
        }
        try (Connection rc = MariaDbReplica.connect(standby, record.agentUser(), record.agentPassword())) {
            return MariaDbReplica.check(standby, primary, rc);
        } catch (SQLException e) {
            return MariaDbReplica.Check.no("cannot be reached (" + e.getMessage() + ")");
        }
    }

    /** How a manifest names the replica of {@code standby}. */
    static String sourceOf(Standby standby) {
        return "standby " + standby.id();
    }

    /** The backup itself, on {@code source} (the server or its replica), reading {@code dataDir}. */
    private Snapshot take(ServerRecord record, Repository repository, String backupId, String baseBackupId,
                          Progress progress, BinlogCapture.Source source, Path dataDir, Path workDir,
                          MariaDbBackup.FromReplica replica) throws IOException, InterruptedException {
        Optional<MariaDbBackup.Base> base = Optional.empty();
        String note = null;
        if (baseBackupId != null) {
            try {
                MariaDbBackupManifest full = MariaDbEngine.manifest(repository, record.id(), baseBackupId);
                String here = replica == null ? null : replica.source();
                if (Objects.equals(full.source(), here) && replica != null && replica.lsn() < full.toLsn()) {
                    note = "full backup " + baseBackupId + " reaches LSN " + full.toLsn() + ", beyond the replica's "
                            + replica.lsn() + ": the replica was rebuilt since, so a full was taken";
                } else if (Objects.equals(full.source(), here)) {
                    base = Optional.of(new MariaDbBackup.Base(baseBackupId, full.toLsn()));
                } else {
                    note = "full backup " + baseBackupId + " was taken on " + describe(full.source())
                            + ", whose InnoDB pages are numbered apart from " + describe(here)
                            + "'s: a full was taken";
                }
            } catch (IOException e) {
                note = "full backup " + baseBackupId + " cannot be read (" + e.getMessage() + "): a full was taken";
            }
        }
        MariaDbBackupManifest m = new MariaDbBackup(MariaDbInstallation.locate(), repository, record.id(),
                Clock.systemUTC(), BACKUP_WRITERS).run(source, dataDir, workDir, backupId, base, replica, progress);
        // one binary log position for start and stop: the backup is consistent where it starts replaying
        return new Snapshot(base.isPresent(), note, m.binlogPosition(), m.binlogPosition(), 1, m.consistentAt(),
                m.parts().size(), m.streamBytes(), m.storedBytes());
    }

    private static String describe(String source) {
        return source == null ? "the server itself" : "a replica (" + source + ")";
    }
}
