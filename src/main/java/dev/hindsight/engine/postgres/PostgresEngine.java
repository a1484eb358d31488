package dev.hindsight.engine.postgres;

import dev.hindsight.HindsightException;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestorePlanner;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.plan.WalChain;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** PostgreSQL behind the {@link Engine} interface: managed clusters on this host. */
public final class PostgresEngine implements Engine {
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String OS_USER_IF_ROOT = "postgres";

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void checkInstalled() {
        PgInstallation.locate();
    }

    PgCluster cluster(ManagedServer server) {
        return new PgCluster(PgInstallation.locate(), OsUser.forDatabase(OS_USER_IF_ROOT), server.dataDir(),
                server.runDir(), server.port());
    }

    @Override
    public Provisioned provision(ManagedServer server, Credentials admin, Credentials agent) {
        PgCluster cluster = cluster(server);
        cluster.provision(admin.user(), admin.password(), agent.user(), agent.password());
        try (Connection c = cluster.connect(agent.user(), agent.password(), "postgres")) {
            return new Provisioned(c.getMetaData().getDatabaseProductVersion(),
                    Long.toUnsignedString(PgCluster.systemIdentifier(c)));
        } catch (SQLException e) {
            cluster.stop();
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "the new server in " + server.dataDir() + " does not answer: " + e.getMessage(),
                    "see " + cluster.logFile(), e);
        }
    }

    @Override
    public void start(ManagedServer server) {
        cluster(server).start(START_TIMEOUT);
    }

    @Override
    public void stop(ManagedServer server) {
        cluster(server).stop();
    }

    @Override
    public boolean isRunning(ManagedServer server) {
        return cluster(server).isRunning();
    }

    @Override
    public LogCapture startCapture(ServerRecord record, ManagedServer server, Repository repository) {
        return PgLogCapture.start(cluster(server), record, new WalArchive(repository, record.id()));
    }

    @Override
    public BackupResult fullBackup(ServerRecord record, ManagedServer server, Repository repository,
                                   String backupId, Progress progress) throws IOException {
        PgCluster cluster = cluster(server);
        try (Connection c = cluster.connect(record.agentUser(), record.agentPassword(), "postgres")) {
            PgBaseBackup.Result r = new PgBaseBackup(repository, record.id(), PgBaseBackup.DEFAULT_PARALLELISM,
                    progress).run(c, server.dataDir(), backupId);
            return new BackupResult(r.startLsn().toString(), r.stopLsn().toString(), r.timeline(), r.stoppedAt(),
                    r.fileCount(), r.logicalBytes(), r.storedBytes());
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                    "cannot connect to server " + record.name() + " for a backup: " + e.getMessage(),
                    "check that the server runs: `hindsight server show --name " + record.name() + "`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public Optional<RestoreWindow> window(Repository repository, ServerRecord record, Instant caughtUpAt)
            throws IOException {
        return RestorePlanner.window(repository.catalog().backupsOf(record.id()),
                new WalArchive(repository, record.id()).list(), caughtUpAt);
    }

    @Override
    public RestorePlan planRestore(Repository repository, ServerRecord record, RestoreRequest request,
                                   Instant caughtUpAt, Instant now) throws IOException {
        return RestorePlanner.plan(record.name(), record.id(), repository.catalog().backupsOf(record.id()),
                new WalArchive(repository, record.id()).list(), caughtUpAt, request, now);
    }

    @Override
    public void prepareRestore(Repository repository, RestorePlan plan, ServerRecord source, Path dataDir,
                               Path stagingDir, int port, Path socketDir, Progress progress) throws IOException {
        OsUser owner = OsUser.forDatabase(OS_USER_IF_ROOT);
        try {
            PgRestoreMaterializer.materialize(repository, plan.serverId(), plan.backup().id(), dataDir,
                    Runtime.getRuntime().availableProcessors(), progress, owner);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        stageWal(repository, plan, stagingDir, progress);
        owner.ensureTraversable(stagingDir);
        owner.giveOwnership(stagingDir);
        Files.createDirectories(socketDir);
        PgCluster cluster = new PgCluster(PgInstallation.locate(), owner, dataDir, socketDir, port);
        cluster.writeManagedConfig(port);
        cluster.writeDefaultHba(source.agentUser());
        new PgRecovery(dataDir, stagingDir).prepare(recoveryTarget(plan));
        owner.giveOwnership(dataDir);
    }

    private static void stageWal(Repository repository, RestorePlan plan, Path stagingDir, Progress progress)
            throws IOException {
        Files.createDirectories(stagingDir);
        WalArchive archive = new WalArchive(repository, plan.serverId());
        int done = 0;
        for (WalChain.Segment s : plan.segments()) {
            progress.update("staging WAL", done++ * Lsn.SEGMENT_SIZE, plan.segments().size() * Lsn.SEGMENT_SIZE);
            archive.stageSegment(s.timeline(), s.segno(), stagingDir);
        }
        for (int timeline : archive.historyTimelines()) {
            archive.stageHistory(timeline, stagingDir);
        }
    }

    static RecoveryTarget recoveryTarget(RestorePlan plan) {
        return switch (plan.target().kind()) {
            case LATEST -> RecoveryTarget.latest();
            case EARLIEST -> RecoveryTarget.immediate();
            case TIME -> RecoveryTarget.time(plan.target().time());
        };
    }

    @Override
    public void recoverAndPromote(Repository repository, ManagedServer server, RestorePlan plan, Path stagingDir,
                                  Credentials agent, Duration timeout) throws IOException {
        PgCluster cluster = cluster(server);
        PgRecovery recovery = new PgRecovery(server.dataDir(), stagingDir);
        recovery.prepare(recoveryTarget(plan));
        try {
            recovery.startAndAwaitPromotion(PgRecoveryServer.of(cluster, agent.user(), agent.password()), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        keepTimelineHistories(server, new WalArchive(repository, server.id()));
    }

    /**
     * The promoted server is on a new timeline; its history file names the parents that later
     * restores of this server replay through, so it goes into the new server's archive now.
     */
    private static void keepTimelineHistories(ManagedServer server, WalArchive archive) throws IOException {
        try (var files = Files.list(server.dataDir().resolve("pg_wal"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{8}\\.history")).toList()) {
                int timeline = Integer.parseUnsignedInt(f.getFileName().toString().substring(0, 8), 16);
                archive.putHistory(timeline, Files.readAllBytes(f));
            }
        }
    }

    @Override
    public String connectionString(ManagedServer server, Credentials admin) {
        return "postgresql://" + uriEncode(admin.user()) + ":"
                + uriEncode(admin.password()) + "@127.0.0.1:" + server.port()
                + "/postgres";
    }

    /** Percent-encoding for URI userinfo (URLEncoder's '+' for a space means nothing there). */
    static String uriEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
