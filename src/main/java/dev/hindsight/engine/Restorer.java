package dev.hindsight.engine;

import dev.hindsight.plan.RestorePlan;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Restores a plan into a new server (the daemon's restore) or a data directory (disaster recovery, offline). */
public interface Restorer {
    /**
     * Restores into a new managed server and returns once it is promoted and accepts
     * connections; log replay may start while later log is still being staged. Returns how fast
     * it replayed the log, when it replayed any.
     */
    Optional<RedoSample> restoreAndPromote(Repository repository, RestorePlan plan, ServerRecord source, ServerSpec server,
                           Path stagingDir, Credentials agent, Duration timeout, Progress progress) throws IOException;

    /**
     * Writes a data directory that holds, or recovers to when started, the plan's target: backup
     * files, staged log, this host's listen settings and default client access rules. Needs nothing
     * but the repository.
     */
    void prepareOffline(Repository repository, RestorePlan plan, ServerRecord source, OfflineTarget target,
                        Progress progress) throws IOException;

    /** The log an offline restore stages for the plan, for the user to read ("12 WAL segments"); empty if none is said. */
    Optional<String> logToStage(RestorePlan plan);

    /** What to do with a data directory {@link #prepareOffline} wrote, line by line. */
    List<String> howToStart(OfflineTarget target, RestorePlan plan);

    /** What a restored server keeps of its source's client access settings, for the user to read. */
    String restoredAccessNote();

    /**
     * Runs the engine's integrity check over every database of a running server, as the login
     * given (the restored server's administrator). It leaves nothing behind on the server.
     */
    IntegrityCheck check(ServerSpec server, Credentials admin);

    /** Whether a restored server keeps its source's firewall rules (MariaDB, as in the managed service) or starts without. */
    boolean inheritsFirewallRules();

    /**
     * Writes the plan as a decrypted, self-contained backup in the engine's own tools' format
     * into {@code target.workDir()}, which the caller moves to {@code target.dir()} once this
     * returns (paths written into it name {@code dir}). Refuses a format the engine has not.
     */
    Export export(Repository repository, RestorePlan plan, ServerRecord source, ExportTarget target,
                  Progress progress) throws IOException;

    /** The formats {@link #export} writes, the default first. */
    List<String> exportFormats();

    /**
     * Where an export goes, and in which format ({@code plain} or {@code tar} for PostgreSQL,
     * {@code xbstream} for MariaDB; null: the engine's first).
     */
    record ExportTarget(Path dir, Path workDir, String format) {
    }

    /**
     * What an export wrote: the format used, the bytes written, the point in time it restores
     * to, and what to do with it, line by line (also written beside it as RESTORE.txt).
     */
    record Export(String format, long bytes, java.time.Instant pointInTime, List<String> howToRestore) {
    }

    /**
     * Where an offline restore writes: the new data directory, a staging directory beside it, and
     * the port and socket directory the server will listen on when the user starts it.
     */
    record OfflineTarget(Path dataDir, Path stagingDir, int port, Path socketDir) {
    }
}
