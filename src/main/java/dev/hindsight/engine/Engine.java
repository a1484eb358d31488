package dev.hindsight.engine;

import dev.hindsight.control.ManagedServer;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What Hindsight needs from a database engine. Everything above this interface (the daemon,
 * schedules, the CLI) is the same for every engine; positions cross it as engine-formatted text.
 */
public interface Engine {
    /** The name users type: {@code postgres}. */
    String name();

    /** Fails with an UNAVAILABLE error and an install hint when the engine's binaries are missing. */
    void checkInstalled();

    /** Creates, configures and starts a new server; cleans up after itself if it fails midway. */
    Provisioned provision(ManagedServer server, Credentials admin, Credentials agent);

    /**
     * Checks that a server Hindsight did not create can be backed up continuously from this host;
     * fails with every shortfall and what to change. Changes nothing on the server.
     */
    Attached checkAttachable(String connectionUri, Path dataDir);

    /** Removes what Hindsight made on an attached server (its replication slot); best effort. */
    void detach(ManagedServer server, ServerRecord record);

    void start(ManagedServer server);

    void stop(ManagedServer server);

    boolean isRunning(ManagedServer server);

    /** Starts continuous log capture into the repository (one thread; survives restarts of the server). */
    LogCapture startCapture(ServerRecord record, ManagedServer server, Repository repository);

    /**
     * Takes a backup while the server runs: a differential against full {@code baseBackupId}
     * (only what changed since it), or a full when that is null. An engine may take a full where
     * a differential was asked for (it would be too big); the result says which and why.
     * Returns once the backup's files are in the repository; it is restorable once the capture
     * holds its stop position.
     */
    BackupResult backup(ServerRecord record, ManagedServer server, Repository repository, String backupId,
                        String baseBackupId, Progress progress) throws IOException;

    /** The server's restore window according to the repository, or empty if nothing is restorable yet. */
    Optional<RestoreWindow> window(Repository repository, ServerRecord record, Instant caughtUpAt) throws IOException;

    /** What the server's retention policy keeps and deletes at {@code now}. */
    dev.hindsight.plan.RetentionPlan<?> planRetention(Repository repository, ServerRecord record, Instant now)
            throws IOException;

    RestorePlan planRestore(Repository repository, ServerRecord record, RestoreRequest request, Instant caughtUpAt,
                            Instant now) throws IOException;

    /**
     * Writes a data directory that, when started, recovers to the plan's target: backup files,
     * staged logs under {@code stagingDir}, recovery settings, this host's listen settings
     * ({@code port}, {@code socketDir}) and default client access rules. Needs nothing but the
     * repository.
     */
    void prepareRestore(Repository repository, RestorePlan plan, ServerRecord source, Path dataDir,
                        Path stagingDir, int port, Path socketDir, Progress progress) throws IOException;

    /**
     * Restores into a new managed server and returns once it is promoted and accepts
     * connections: like {@link #prepareRestore}, but recovery starts as soon as the files are in
     * place, replaying logs while later ones are still being staged.
     */
    void restoreAndPromote(Repository repository, RestorePlan plan, ServerRecord source, ManagedServer server,
                           Path stagingDir, Credentials agent, Duration timeout, Progress progress) throws IOException;

    /** A URI clients of this engine accept, with the admin login. */
    String connectionString(ManagedServer server, Credentials admin);

    /** The admin login to a server as a URI, a JDBC URL, or a command line of the engine's own client. */
    String connectionString(ManagedServer server, Credentials admin, ConnectionFormat format);

    /** What a restored server keeps of its source's client access settings, for the user to read. */
    String restoredAccessNote();

    record Credentials(String user, String password) {
    }

    /** An attachable server: the login to use, its port on this host, its identity. */
    record Attached(Credentials login, int port, Provisioned identity) {
    }

    record Provisioned(String version, String systemIdentifier) {
    }

    /**
     * A finished backup as the engine reports it.
     *
     * @param differential whether it is a differential (against the base that was asked for)
     * @param logicalBytes file bytes the backup holds itself, before compression
     * @param note         why a full was taken instead of the differential asked for; null otherwise
     */
    record BackupResult(boolean differential, String startPosition, String stopPosition, int timeline,
                        Instant consistentAt, long files, long logicalBytes, long storedBytes, String note) {
    }
}
