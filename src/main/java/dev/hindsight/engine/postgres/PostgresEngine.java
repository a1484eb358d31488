package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestorePlanner;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.plan.RetentionPlan;
import dev.hindsight.plan.RetentionPlanner;
import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.plan.WalChain;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/** PostgreSQL behind the {@link Engine} interface: managed clusters on this host. */
public final class PostgresEngine implements Engine {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PostgresEngine.class);
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String OS_USER_IF_ROOT = "postgres";
    /** The summarizer of each server whose WAL this process captures: a differential waits for it to catch up. */
    private final Map<String, PgWalSummarizer> summarizers = new ConcurrentHashMap<>();

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
    public Attached checkAttachable(String connectionUri, Path dataDir) {
        PgAttachCheck.Attachable a = PgAttachCheck.check(connectionUri, dataDir);
        return new Attached(a.login(), a.port(), a.identity());
    }

    @Override
    public void detach(ManagedServer server, ServerRecord record) {
        try (Connection c = cluster(server).connect(record.agentUser(), record.agentPassword(), "postgres");
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) "
                     + "FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            ps.setString(1, PgLogCapture.slotName(record));
            ps.execute();
        } catch (SQLException e) {
            log.warn("Could not drop the replication slot of {} on its server: {}; drop it by hand or it keeps WAL",
                    record.name(), e.getMessage());
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
        PgCluster cluster = cluster(server);
        PgWalSummarizer summarizer;
        try {
            summarizer = new PgWalSummarizer(cluster.installation(), new WalArchive(repository, record.id()),
                    new PgWalSummaries(repository, record.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a spool directory for the WAL summarizer of " + record.name(), e);
        }
        summarizers.put(record.id(), summarizer);
        try {
            return PgLogCapture.start(cluster, record, new WalArchive(repository, record.id()), summarizer,
                    () -> summarizers.remove(record.id(), summarizer));
        } catch (RuntimeException e) {
            summarizers.remove(record.id(), summarizer);
            summarizer.close();
            throw e;
        }
    }

    @Override
    public BackupResult backup(ServerRecord record, ManagedServer server, Repository repository,
                               String backupId, String baseBackupId, Progress progress) throws IOException {
        PgCluster cluster = cluster(server);
        long connecting = System.nanoTime();
        try (Connection c = cluster.connect(record.agentUser(), record.agentPassword(), "postgres")) {
            log.info("Backup {}: connected in {} ms", backupId, (System.nanoTime() - connecting) / 1_000_000);
            PgWalSummary summaries = new PgWalSummary(cluster.installation(), new WalArchive(repository, record.id()),
                    new PgWalSummaries(repository, record.id()), Optional.ofNullable(summarizers.get(record.id())),
                    server.dataDir());
            PgBaseBackup.Result r = new PgBaseBackup(repository, record.id(), PgBaseBackup.DEFAULT_PARALLELISM,
                    progress, summaries).run(c, server.dataDir(), backupId, baseBackupId);
            return new BackupResult(BackupManifest.DIFF.equals(r.kind()), r.startLsn().toString(),
                    r.stopLsn().toString(), r.timeline(), r.stoppedAt(), r.fileCount(), r.changedBytes(),
                    r.storedBytes(), r.note());
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
    public RetentionPlan<WalFile> planRetention(Repository repository, ServerRecord record, Instant now)
            throws IOException {
        return RetentionPlanner.plan(repository.catalog().backupsOf(record.id()),
                new WalArchive(repository, record.id()).list(), new RetentionPolicy(record.retentionDays()), now);
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
        PgRestore restore = new PgRestore(repository, plan, OsUser.forDatabase(OS_USER_IF_ROOT));
        restore.materialize(dataDir, progress);
        restore.openStaging(stagingDir);
        restore.stageSegments(stagingDir, progress);
        restore.decideTarget(stagingDir);
        restore.configure(dataDir, stagingDir, port, socketDir, source.agentUser());
    }

    @Override
    public void restoreAndPromote(Repository repository, RestorePlan plan, ServerRecord source,
                                  ManagedServer server, Path stagingDir, Credentials agent, Duration timeout,
                                  Progress progress) throws IOException {
        PgRestore restore = new PgRestore(repository, plan, OsUser.forDatabase(OS_USER_IF_ROOT));
        restore.materialize(server.dataDir(), progress);
        restore.openStaging(stagingDir);
        restore.decideTarget(stagingDir);
        restore.configure(server.dataDir(), stagingDir, server.port(), server.runDir(), source.agentUser());
        CompletableFuture<Void> staging = restore.stageSegmentsInBackground(stagingDir, progress);
        PgRecovery recovery = new PgRecovery(server.dataDir(), stagingDir);
        recovery.prepare(restore.target());
        try {
            recovery.startAndAwaitPromotion(PgRecoveryServer.of(cluster(server), agent.user(), agent.password()),
                    timeout);
            staging.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while recovering", e);
        } catch (CompletionException e) {
            // recovery met the end of the staged WAL early: the promoted server is not what was asked for
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("staging the WAL failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            staging.cancel(false);
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
        return "postgresql://" + ConnectionFormat.uriEncode(admin.user()) + ":"
                + ConnectionFormat.uriEncode(admin.password()) + "@127.0.0.1:" + server.port()
                + "/postgres";
    }

    @Override
    public String connectionString(ManagedServer server, Credentials admin, ConnectionFormat format) {
        return switch (format) {
            case URI -> connectionString(server, admin);
            case JDBC -> "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user=" + ConnectionFormat.uriEncode(admin.user())
                    + "&password=" + ConnectionFormat.uriEncode(admin.password());
            case CLI -> "psql " + ConnectionFormat.shellQuote(connectionString(server, admin));
        };
    }

    @Override
    public String restoredAccessNote() {
        return "client access rules (pg_hba.conf) were not restored: the new server allows local connections only,"
                + " like a newly created one";
    }
}
