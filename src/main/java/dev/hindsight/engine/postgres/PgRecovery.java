package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a materialized data directory into a running, promoted server: recovery settings in
 * {@value PgRecoverySettings#FILE} (included from postgresql.conf), recovery.signal, start,
 * wait until replay reached the target and the server promoted itself.
 *
 * <p>A time target has one twist. PostgreSQL 13+ refuses to promote when the WAL ends before any
 * commit later than the target ("recovery ended before configured recovery target was reached"),
 * which is what happens whenever the server was idle after the target. The staged WAL is then
 * replayed to its end instead (target Latest, same staging). That is the state at the target:
 * the refusal means no commit record in the staged WAL is later than the target, so replaying
 * all of it applies exactly the transactions committed at or before the target, no more.
 */
public final class PgRecovery {
    /**
     * How recovery ended.
     *
     * @param timeline      the new timeline the promoted server writes on
     * @param switchLsn     where that timeline branched off (from its history file), or null
     * @param targetUsed    the target of the successful start: Latest after a refused time target
     * @param replayedToEnd true when a time target was refused and the staged WAL replayed to its end
     */
    public record Promotion(int timeline, Lsn switchLsn, RecoveryTarget targetUsed, boolean replayedToEnd) {
    }

    private static final Logger log = LoggerFactory.getLogger(PgRecovery.class);
    static final String TARGET_NOT_REACHED = "recovery ended before configured recovery target was reached";
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path dataDir;
    private final Path walStagingDir;
    private final PgRecoveryFiles files;
    private RecoveryTarget target;
    /** Why the last start failed, if pg_ctl said so: the cause of the error we report. */
    private RuntimeException startFailure;

    /** Whether {@link #startAndAwaitPromotion} asks for promotion (see {@link PgRecoverySettings#duringPromotedOnRequest}). */
    private final boolean promotedOnRequest;

    private PgRecovery(Path dataDir, Path walStagingDir, boolean promotedOnRequest) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.walStagingDir = walStagingDir.toAbsolutePath().normalize();
        this.files = new PgRecoveryFiles(this.dataDir);
        this.promotedOnRequest = promotedOnRequest;
    }

    /**
     * Recovery that promotes itself at its target: for a data directory a user starts.
     *
     * @param walStagingDir holds the WAL segments (and history files) recovery may ask for; the
     *                      server's OS user must be able to read it
     */
    public static PgRecovery selfPromoting(Path dataDir, Path walStagingDir) {
        return new PgRecovery(dataDir, walStagingDir, false);
    }

    /** Recovery as a standby that {@link #startAndAwaitPromotion} promotes: no end-of-recovery checkpoint to wait for. */
    public static PgRecovery promotedOnRequest(Path dataDir, Path walStagingDir) {
        return new PgRecovery(dataDir, walStagingDir, true);
    }

    /** Writes the recovery settings for {@code target}; the server must not be running. */
    public void prepare(RecoveryTarget target) throws IOException {
        files.requireDataDirectory();
        if (promotedOnRequest) {
            files.writeSettings(PgRecoverySettings.duringPromotedOnRequest(target, walStagingDir));
        } else {
            files.writeSettings(PgRecoverySettings.during(target, walStagingDir));
        }
        files.ensureIncluded();
        files.neutralizeAutoConf();
        if (promotedOnRequest) {
            files.signalStandby();
        } else {
            files.signalRecovery();
        }
        this.target = target;
    }

    /**
     * Starts the server and waits until it has promoted itself, retrying a time target once as
     * Latest (see the class comment). Afterwards the recovery settings are removed again.
     */
    public Promotion startAndAwaitPromotion(PgRecoveryServer server, Duration timeout)
            throws IOException, InterruptedException {
        if (target == null) {
            throw new IllegalStateException("prepare(target) first");
        }
        Instant deadline = Instant.now().plus(timeout);
        RecoveryTarget asked = target;
        startFailure = null;
        while (!attempt(server, deadline)) {
            String log = server.logTail(80);
            if (target instanceof RecoveryTarget.Time && log.contains(TARGET_NOT_REACHED)) {
                prepare(RecoveryTarget.latest());
                continue;
            }
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "PostgreSQL in " + dataDir + " stopped while recovering to " + describe(asked)
                            + "; last lines of its log:\n" + log,
                    "the WAL in " + walStagingDir + " must reach the backup's stop LSN and continue without gaps"
                            + " up to the target; see the log above", startFailure);
        }
        Promotion promotion = new Promotion(timeline(server), files.switchLsn(), target,
                !target.equals(asked));
        if (promotedOnRequest) {
            reloadOwnCheckpointSettings(server);
        }
        files.writeSettings(PgRecoverySettings.after());
        return promotion;
    }

    /** The recovery-only settings that put restartpoints off give way to the server's own. */
    private void reloadOwnCheckpointSettings(PgRecoveryServer server) throws IOException {
        files.writeSettings(PgRecoverySettings.promotedOnRequestUntuned(target, walStagingDir));
        try {
            server.reload();
        } catch (RuntimeException e) {
            log.warn("PostgreSQL in {} was promoted but did not reload its settings; until it does or restarts,"
                    + " it checkpoints only after 64 GB of WAL or a day: {}", dataDir, e.getMessage());
        }
    }

    /** One start: true once promoted, false if the server stopped. */
    private boolean attempt(PgRecoveryServer server, Instant deadline) throws InterruptedException {
        try {
            server.start(remaining(deadline));
        } catch (RuntimeException e) {
            startFailure = e;
            if (!server.isRunning()) {
                return false;
            }
            // pg_ctl gave up waiting, but the server is still replaying: keep watching it
        }
        if (promotedOnRequest) {
            try {
                // now, not at the end: a standby promotes only once the staged WAL is used up
                server.promote();
            } catch (RuntimeException e) {
                if (!server.isRunning()) {
                    return false;
                }
                throw e;
            }
        }
        while (Instant.now().isBefore(deadline)) {
            if (!server.isRunning()) {
                return false;
            }
            if (promoted(server)) {
                return true;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                "PostgreSQL in " + dataDir + " did not finish recovery to " + describe(target) + " in time; log:\n"
                        + server.logTail(30),
                "a long WAL range takes long to replay: allow more time; the server is left running");
    }

    private static boolean promoted(PgRecoveryServer server) {
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
            return rs.next() && !rs.getBoolean(1);
        } catch (SQLException e) {
            return false; // still starting up, or not yet consistent
        }
    }

    private static int timeline(PgRecoveryServer server) {
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
            rs.next();
            return Integer.parseUnsignedInt(rs.getString(1).substring(0, 8), 16);
        } catch (SQLException e) {
            return 0; // promoted, but gone again: the caller will notice on its own
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ofSeconds(1) : left;
    }

    private static String describe(RecoveryTarget t) {
        if (t instanceof RecoveryTarget.Time time) {
            return "time " + time.at();
        }
        return t instanceof RecoveryTarget.Immediate ? "the consistent point" : "the end of the WAL";
    }
}
