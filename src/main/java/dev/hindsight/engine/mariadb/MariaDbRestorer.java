package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.RedoSample;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Restorer;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * MariaDB restores: mariadb-backup's prepare of the full (and differential), then the binary
 * log replayed to the target by a server started for it. MariaDB cannot be told to replay at
 * its next start, so even an offline restore replays before it returns.
 */
final class MariaDbRestorer implements Restorer {
    /** Threads that apply the binary log in parallel during a restore. */
    static final int REPLAY_THREADS = 4;

    /**
     * The replay runs on a server started on a free port with a run directory of its own beside
     * the data directory (the target's port and socket directory are where the user will run it:
     * nothing of them is written into the data directory), and stopped after.
     */
    @Override
    public void prepareOffline(Repository repository, RestorePlan plan, ServerRecord source, OfflineTarget target,
                               Progress progress) throws IOException {
        Path dataDir = target.dataDir();
        Path runDir = dataDir.resolveSibling(dataDir.getFileName() + "-run");
        FileTrees.requireFreshDataDir(runDir);
        MariaDbCluster cluster = new MariaDbCluster(MariaDbInstallation.locate(), MariaDbEngine.databaseUser(),
                dataDir, runDir, FreePort.find(), MariaDbEngine.serverIdOf(plan.serverId() + "-offline"));
        try {
            restore(repository, plan, source, cluster, target.stagingDir(), progress);
        } finally {
            try {
                cluster.stop(MariaDbEngine.START_TIMEOUT);
            } finally {
                FileTrees.deleteRecursively(runDir);
            }
        }
    }

    @Override
    public List<String> exportFormats() {
        return List.of(MariaDbExport.XBSTREAM);
    }

    @Override
    public Export export(Repository repository, RestorePlan plan, ServerRecord source, ExportTarget target,
                         Progress progress) throws IOException {
        return new MariaDbExport(repository, plan, target).write(progress);
    }

    @Override
    public Optional<RedoSample> restoreAndPromote(Repository repository, RestorePlan plan, ServerRecord source,
                                                  ServerSpec server, Path stagingDir, Credentials agent,
                                                  Duration timeout, Progress progress) throws IOException {
        MariaDbCluster cluster = MariaDbEngine.cluster(server);
        // the tier and firewall rules are the source's, as the managed service keeps them; until
        // the logins' hosts follow the rules, the server listens on 127.0.0.1 alone
        ServerProfile profile = server.profileOrDefaults();
        cluster.writeProfile(profile.withoutFirewallRules());
        Optional<RedoSample> replayed = restore(repository, plan, source, cluster, stagingDir, progress);
        if (!profile.listensBeyondLoopback()) {
            // on 127.0.0.1 alone every login the restore point had is safe as it came back; an
            // attached source's login may not even be allowed to read mysql.user
            return replayed;
        }
        // the logins came back as they were at the restore point; their hosts follow today's rules
        MariaDbLifecycle.applyFirewall(cluster, server, new Credentials(source.adminUser(), source.adminPassword()),
                agent);
        if (cluster.writeProfile(profile)) {
            cluster.stop(MariaDbEngine.START_TIMEOUT);
            cluster.start(MariaDbEngine.START_TIMEOUT);
        }
        return replayed;
    }

    private static Optional<RedoSample> restore(Repository repository, RestorePlan plan, ServerRecord source,
                                                MariaDbCluster cluster, Path stagingDir, Progress progress)
            throws IOException {
        return new MariaDbRestoreRun(repository, plan, source, cluster, stagingDir, REPLAY_THREADS).run(progress);
    }

    @Override
    public Optional<String> logToStage(RestorePlan plan) {
        return Optional.empty(); // the binary log to replay is found while restoring, from the backup's position
    }

    @Override
    public List<String> howToStart(OfflineTarget target, RestorePlan plan) {
        return List.of("Data directory " + target.dataDir() + " holds the data as of " + plan.pointInTime()
                + " (binary log already replayed); start mariadbd on it with --datadir=" + target.dataDir()
                + " and a server_id of its own.");
    }

    @Override
    public dev.hindsight.engine.IntegrityCheck check(ServerSpec server, Credentials admin) {
        return MariaDbIntegrity.run(server, admin);
    }

    @Override
    public boolean inheritsFirewallRules() {
        return true;
    }

    @Override
    public String restoredAccessNote() {
        return "logins, grants and the source's firewall rules came back with the data, as in the managed MySQL"
                + " service: the source's users and passwords work from the addresses its rules allow";
    }
}
