package dev.hindsight.engine.postgres;

import dev.hindsight.repo.catalog.Standby;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * A PostgreSQL server's streaming standby as a backup source: reachable as the agent login, in
 * recovery (not promoted), replaying the same system's WAL, not lagging beyond
 * {@link Standby#MAX_LAG_BYTES}, and its data directory readable here. Anything else is a reason
 * to take the backup from the primary instead.
 */
final class PgStandby {
    private PgStandby() {
    }

    static Connection connect(Standby standby, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "hindsight-backup");
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + standby.host() + ":" + standby.port() + "/postgres",
                props);
    }

    /** Why the standby cannot serve a backup now, or empty if it can; {@code primary} is the server itself. */
    static Optional<String> unusable(Standby standby, Connection primary, Connection connection) throws SQLException {
        if (!Files.isRegularFile(Path.of(standby.dataDir(), "PG_VERSION"))) {
            return Optional.of("its data directory " + standby.dataDir() + " is not readable here");
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_is_in_recovery(), (SELECT system_identifier FROM pg_control_system()),"
                        + " pg_last_wal_replay_lsn()")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Optional.of("is not in recovery (was it promoted?)");
            }
            long system = rs.getLong(2);
            Lsn replayed = rs.getString(3) == null ? null : Lsn.parse(rs.getString(3));
            try (Statement p = primary.createStatement(); ResultSet pr = p.executeQuery(
                    "SELECT (SELECT system_identifier FROM pg_control_system()), pg_current_wal_lsn()")) {
                pr.next();
                if (pr.getLong(1) != system) {
                    return Optional.of("is a copy of another system (" + system + ", the server is " + pr.getLong(1)
                            + ")");
                }
                Lsn current = Lsn.parse(pr.getString(2));
                if (replayed == null) {
                    return Optional.of("has replayed no WAL yet");
                }
                long lag = current.value() - replayed.value();
                if (lag > Standby.MAX_LAG_BYTES) {
                    return Optional.of("replays " + (lag >> 20) + " MiB behind the primary (more than "
                            + (Standby.MAX_LAG_BYTES >> 20) + " MiB)");
                }
            }
        }
        return Optional.empty();
    }
}
