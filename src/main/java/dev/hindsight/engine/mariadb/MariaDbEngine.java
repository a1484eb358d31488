package dev.hindsight.engine.mariadb;

import dev.hindsight.util.HindsightException;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.plan.LogUnits;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestorePlanner;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.plan.RetentionPlan;
import dev.hindsight.plan.RetentionPlanner;
import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** MariaDB behind the {@link Engine} interface: managed servers on this host, mariadb-backup, binary log capture. */
public final class MariaDbEngine implements Engine {
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String OS_USER_IF_ROOT = "mysql";
    /** Threads that apply the binary log in parallel during a restore. */
    static final int REPLAY_THREADS = 4;
    private static final int BACKUP_WRITERS = 2;
    /** Retention keeps or deletes binary logs a whole file at a time. */
    static final LogUnits<BinlogPiece> BINLOG_FILES = new LogUnits<>() {
        @Override
        public long unitOf(BinlogPiece object) {
            return object.sequence();
        }

        @Override
        public long unitOf(String position) {
            return BinlogPosition.parse(position).sequence();
        }
    };

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public void checkInstalled() {
        MariaDbInstallation.locate();
    }

    /** A managed server's server_id: fixed by its id, so every start and every restore of it agree. */
    static long serverIdOf(String id) {
        return 1000 + Math.floorMod(id.hashCode(), 2_000_000_000);
    }

    /** The server id log capture uses as a replica: outside the range {@link #serverIdOf} gives. */
    static long captureServerIdOf(String id) {
        return 3_000_000_000L + Math.floorMod(id.hashCode(), 1_000_000_000);
    }

    MariaDbCluster cluster(ManagedServer server) {
        return new MariaDbCluster(MariaDbInstallation.locate(), OsUser.forDatabase(OS_USER_IF_ROOT), server.dataDir(),
                server.runDir(), server.port(), serverIdOf(server.id()));
    }

    @Override
    public Provisioned provision(ManagedServer server, Credentials admin, Credentials agent) {
        MariaDbCluster cluster = cluster(server);
        cluster.provision(admin.user(), admin.password(), agent.user(), agent.password(), START_TIMEOUT);
        try (Connection c = cluster.connect(agent.user(), agent.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@version, @@server_id")) {
            rs.next();
            return new Provisioned(rs.getString(1), "server_id=" + rs.getLong(2));
        } catch (SQLException e) {
            cluster.stop(START_TIMEOUT);
            throw new HindsightException(HindsightException.Kind.FAILED, "the new server in " + server.dataDir()
                    + " does not answer: " + e.getMessage(), "see " + MariaDbConfig.errorLog(server.runDir()), e);
        }
    }

    @Override
    public Attached checkAttachable(String connectionUri, Path dataDir) {
        return MariaDbAttachCheck.check(connectionUri, dataDir);
    }

    @Override
    public void detach(ManagedServer server, ServerRecord record) {
        // nothing was made on the server: a binary log dump leaves no state behind
    }

    @Override
    public void start(ManagedServer server) {
        cluster(server).start(START_TIMEOUT);
    }

    @Override
    public void stop(ManagedServer server) {
        cluster(server).stop(START_TIMEOUT);
    }

    @Override
    public boolean isRunning(ManagedServer server) {
        return cluster(server).isRunning();
    }

    @Override
    public LogCapture startCapture(ServerRecord record, ManagedServer server, Repository repository) {
        BinlogCapture capture = new BinlogCapture(new MariaDbSource(cluster(server), record.agentUser(),
                record.agentPassword()), new BinlogArchive(repository, record.id()), captureServerIdOf(record.id()),
                Clock.systemUTC(), record.name());
        capture.start();
        return capture;
    }

    @Override
    public BackupResult backup(ServerRecord record, ManagedServer server, Repository repository, String backupId,
                               String baseBackupId, Progress progress) throws IOException {
        MariaDbCluster cluster = cluster(server);
        Optional<MariaDbBackup.Base> base = Optional.empty();
        String note = null;
        if (baseBackupId != null) {
            try {
                MariaDbBackupManifest full = manifest(repository, record.id(), baseBackupId);
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
            return new BackupResult(base.isPresent(), m.position(), m.position(), 1, m.consistentAt(), m.parts().size(),
                    m.streamBytes(), m.storedBytes(), note);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static MariaDbBackupManifest manifest(Repository repository, String serverId, String backupId) throws IOException {
        MariaDbBackupManifest m = repository.readJson(Layout.manifest(serverId, backupId), MariaDbBackupManifest.class);
        if (m.format() > MariaDbBackupManifest.FORMAT) {
            throw new IOException("backup " + backupId + " has manifest format " + m.format()
                    + ", newer than this Hindsight reads (" + MariaDbBackupManifest.FORMAT + ")");
        }
        return m;
    }

    @Override
    public Optional<RestoreWindow> window(Repository repository, ServerRecord record, Instant caughtUpAt)
            throws IOException {
        return RestorePlanner.window(repository.catalog().backupsOf(record.id()),
                new BinlogChain(new BinlogArchive(repository, record.id()).list()), caughtUpAt);
    }

    @Override
    public RetentionPlan<BinlogPiece> planRetention(Repository repository, ServerRecord record, Instant now)
            throws IOException {
        return RetentionPlanner.plan(repository.catalog().backupsOf(record.id()),
                new BinlogArchive(repository, record.id()).list(), BINLOG_FILES,
                new RetentionPolicy(record.retentionDays()), now);
    }

    @Override
    public RestorePlan planRestore(Repository repository, ServerRecord record, RestoreRequest request,
                                   Instant caughtUpAt, Instant now) throws IOException {
        RestorePlanner.Choice<BinlogChain.Run> c = RestorePlanner.choose(record.name(),
                repository.catalog().backupsOf(record.id()),
                new BinlogChain(new BinlogArchive(repository, record.id()).list()), caughtUpAt, request, now);
        return new RestorePlan(record.id(), c.backup(), List.of(), List.of(), request, c.pointInTime());
    }

    /**
     * MariaDB cannot be told to replay at its next start, so the replay runs now, on a server
     * started for it on a free port with a run directory of its own beside the data directory
     * ({@code port} and {@code socketDir} are where the user will run it: nothing of them is
     * written into the data directory), and stopped after.
     */
    @Override
    public void prepareRestore(Repository repository, RestorePlan plan, ServerRecord source, Path dataDir,
                               Path stagingDir, int port, Path socketDir, Progress progress) throws IOException {
        Path runDir = dataDir.resolveSibling(dataDir.getFileName() + "-run");
        FileTrees.requireFreshDataDir(runDir);
        MariaDbCluster cluster = new MariaDbCluster(MariaDbInstallation.locate(), OsUser.forDatabase(OS_USER_IF_ROOT),
                dataDir, runDir, FreePort.find(), serverIdOf(plan.serverId() + "-offline"));
        try {
            restore(repository, plan, source, cluster, stagingDir, progress);
        } finally {
            try {
                cluster.stop(START_TIMEOUT);
            } finally {
                FileTrees.deleteRecursively(runDir);
            }
        }
    }

    @Override
    public void restoreAndPromote(Repository repository, RestorePlan plan, ServerRecord source, ManagedServer server,
                                  Path stagingDir, Credentials agent, Duration timeout, Progress progress)
            throws IOException {
        restore(repository, plan, source, cluster(server), stagingDir, progress);
    }

    private void restore(Repository repository, RestorePlan plan, ServerRecord source, MariaDbCluster cluster,
                         Path stagingDir, Progress progress) throws IOException {
        new MariaDbRestoreRun(repository, plan, source, cluster, stagingDir, REPLAY_THREADS).run(progress);
    }

    @Override
    public String connectionString(ManagedServer server, Credentials admin) {
        return "mysql://" + ConnectionFormat.uriEncode(admin.user()) + ":" + ConnectionFormat.uriEncode(admin.password()) + "@127.0.0.1:" + server.port()
                + "/";
    }

    @Override
    public String connectionString(ManagedServer server, Credentials admin, ConnectionFormat format) {
        return switch (format) {
            case URI -> connectionString(server, admin);
            case JDBC -> "jdbc:mariadb://127.0.0.1:" + server.port() + "/?user=" + ConnectionFormat.uriEncode(admin.user())
                    + "&password=" + ConnectionFormat.uriEncode(admin.password());
            case CLI -> "mariadb -h 127.0.0.1 -P " + server.port() + " -u " + ConnectionFormat.shellQuote(admin.user())
                    + " --password=" + ConnectionFormat.shellQuote(admin.password());
        };
    }

    @Override
    public String restoredAccessNote() {
        return "logins and grants came back with the data (as in the managed MySQL service), so the source's users"
                + " and passwords work; the new server listens on 127.0.0.1 only";
    }
}
