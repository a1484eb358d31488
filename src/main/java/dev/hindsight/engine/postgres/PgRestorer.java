package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.RedoSample;
import dev.hindsight.engine.Restorer;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * PostgreSQL restores: the backup's files, then recovery from WAL staged out of the repository.
 * The daemon's restore starts recovery as soon as the files are in place and stages later WAL
 * while earlier WAL replays; an offline restore stages it all and leaves the start to the user.
 */
final class PgRestorer implements Restorer {

    @Override
    public void prepareOffline(Repository repository, RestorePlan plan, ServerRecord source, OfflineTarget target,
                               Progress progress) throws IOException {
        PgRestore restore = new PgRestore(repository, plan, PostgresEngine.databaseUser());
        restore.materialize(target.dataDir(), progress);
        restore.openStaging(target.stagingDir());
        restore.stageSegments(target.stagingDir(), progress);
        restore.decideTarget(target.stagingDir());
        // a restored PostgreSQL server keeps its source's tier but not its firewall rules
        restore.configure(target.dataDir(), target.stagingDir(), target.port(), target.socketDir(), source.agentUser(),
                ServerProfile.of(source).withoutFirewallRules());
    }

    @Override
    public List<String> exportFormats() {
        return List.of(PgExport.PLAIN, PgExport.TAR);
    }

    @Override
    public Export export(Repository repository, RestorePlan plan, ServerRecord source, ExportTarget target,
                         Progress progress) throws IOException {
        return new PgExport(repository, plan, target).write(progress);
    }

    @Override
    public Optional<RedoSample> restoreAndPromote(Repository repository, RestorePlan plan, ServerRecord source,
                                                  ServerSpec server, Path stagingDir, Credentials agent,
                                                  Duration timeout, Progress progress) throws IOException {
        PgRestore restore = new PgRestore(repository, plan, PostgresEngine.databaseUser());
        restore.materialize(server.dataDir(), progress);
        restore.openStaging(stagingDir);
        restore.decideTarget(stagingDir);
        restore.configure(server.dataDir(), stagingDir, server.port(), server.runDir(), source.agentUser(),
                server.profileOrDefaults().withoutFirewallRules());
        CompletableFuture<Void> staging = restore.stageSegmentsInBackground(stagingDir, progress);
        PgRecovery recovery = PgRecovery.promotedOnRequest(server.dataDir(), stagingDir);
        recovery.prepare(restore.target());
        long recovering = System.nanoTime();
        long millis;
        try {
            recovery.startAndAwaitPromotion(PgRecoveryServer.of(PostgresEngine.cluster(server), agent.user(),
                    agent.password()), timeout);
            millis = (System.nanoTime() - recovering) / 1_000_000;
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
        return redoSample(server, agent, plan, millis);
    }

    /**
     * The WAL recovery replayed, from the backup's start to where the promoted server's new
     * timeline began, and the time from start to promotion (startup and the end-of-recovery
     * checkpoint included: a slower figure than redo alone, on the safe side for the budget).
     */
    private static Optional<RedoSample> redoSample(ServerSpec server, Credentials agent, RestorePlan plan,
                                                   long millis) {
        try (java.sql.Connection c = PostgresEngine.cluster(server).connect(agent.user(), agent.password(),
                "postgres"); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            long bytes = Lsn.parse(rs.getString(1)).value() - Lsn.parse(plan.backup().startPosition()).value();
            return bytes <= 0 ? Optional.empty() : Optional.of(new RedoSample("postgres", bytes, millis));
        } catch (java.sql.SQLException | RuntimeException e) {
            return Optional.empty(); // a figure missed, nothing more
        }
    }

    /**
     * The promoted server is on a new timeline; its history file names the parents that later
     * restores of this server replay through, so it goes into the new server's archive now.
     */
    private static void keepTimelineHistories(ServerSpec server, WalArchive archive) throws IOException {
        try (var files = Files.list(server.dataDir().resolve("pg_wal"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{8}\\.history")).toList()) {
                int timeline = Integer.parseUnsignedInt(f.getFileName().toString().substring(0, 8), 16);
                archive.putHistory(timeline, Files.readAllBytes(f));
            }
        }
    }

    @Override
    public Optional<String> logToStage(RestorePlan plan) {
        int segments = WalStaging.of(plan).segments().size();
        return segments == 0 ? Optional.empty() : Optional.of(segments + " WAL segments");
    }

    @Override
    public List<String> howToStart(OfflineTarget target, RestorePlan plan) {
        return List.of(
                "Data directory " + target.dataDir() + " is ready; it recovers to " + plan.pointInTime()
                        + " and promotes when started, e.g.:",
                "  pg_ctl -D " + target.dataDir() + " -l " + target.dataDir() + ".log start",
                "Its WAL is staged in " + target.stagingDir() + "; remove that once the server is promoted.");
    }

    @Override
    public dev.hindsight.engine.IntegrityCheck check(ServerSpec server, Credentials admin) {
        return PgIntegrity.run(server, admin);
    }

    @Override
    public boolean inheritsFirewallRules() {
        return false;
    }

    @Override
    public String restoredAccessNote() {
        return "firewall rules and client access rules (pg_hba.conf) were not restored, as in the managed PostgreSQL"
                + " service: the new server allows connections from 127.0.0.1 only until you add rules to it";
    }
}
