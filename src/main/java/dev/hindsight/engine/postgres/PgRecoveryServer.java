package dev.hindsight.engine.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What {@link PgRecovery} needs from the server it brings up: start it, see whether it still
 * runs, connect, read its log. A seam so recovery does not depend on how servers are run.
 */
public interface PgRecoveryServer {
    /** Starts the server; throws if it exits before it accepts connections. */
    void start(Duration timeout);

    boolean isRunning();

    /** Asks the server in recovery to promote (pg_ctl promote, not waiting for it). */
    void promote();

    /** Makes the running server re-read its configuration files. */
    void reload();

    /** A connection to any database; may fail while the server starts or stops. */
    Connection connect() throws SQLException;

    /** The last lines of the server log, to learn why it stopped. */
    String logTail(int lines);

    /** A {@link PgCluster}, connecting as {@code user}. */
    static PgRecoveryServer of(PgCluster cluster, String user, String password) {
        return new PgRecoveryServer() {
            @Override
            public void start(Duration timeout) {
                cluster.start(timeout);
            }

            @Override
            public boolean isRunning() {
                return cluster.isRunning();
            }

            @Override
            public void promote() {
                cluster.promote();
            }

            @Override
            public void reload() {
                cluster.reload();
            }

            @Override
            public Connection connect() throws SQLException {
                return cluster.connect(user, password, "postgres");
            }

            @Override
            public String logTail(int lines) {
                return cluster.logTail(lines);
            }

            @Override
            public String toString() {
                return cluster.toString();
            }
        };
    }
}
