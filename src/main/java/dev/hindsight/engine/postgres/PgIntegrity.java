package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.IntegrityCheck;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Processes;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pg_amcheck over every database that takes connections: each table's heap and each B-tree
 * index, with every heap tuple looked up in its indexes (--heapallindexed). It needs the amcheck
 * extension: where a database lacks it, it is created for the check and dropped after, so the
 * server is left as it was (template1 is not checked, so that new databases do not inherit it).
 */
final class PgIntegrity {
    static final Duration TIMEOUT = Duration.ofHours(2);

    private PgIntegrity() {
    }

    static IntegrityCheck run(ServerSpec server, Credentials admin) {
        PgCluster cluster = PostgresEngine.cluster(server);
        long started = System.nanoTime();
        List<String> added = new ArrayList<>();
        try {
            for (String db : databases(cluster, admin)) {
                if (createAmcheck(cluster, admin, db)) {
                    added.add(db);
                }
            }
            List<String> command = List.of(PgInstallation.locate().tool("pg_amcheck").toString(), "--all",
                    "--exclude-database=template1", "--heapallindexed", "--no-password", "-h", "127.0.0.1",
                    "-p", Integer.toString(server.port()), "-U", admin.user(), "-d", "postgres");
            Processes.Result result = Processes.runAllowingFailure(command,
                    Map.of("PGPASSWORD", admin.password()), TIMEOUT);
            long millis = (System.nanoTime() - started) / 1_000_000;
            String shown = String.join(" ", command);
            return result.succeeded()
                    ? new IntegrityCheck(shown, true, "no corruption found in the tables and B-tree indexes of "
                    + "every database", millis)
                    : new IntegrityCheck(shown, false, result.tail().strip(), millis);
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.FAILED, "cannot run the integrity check on "
                    + server.name() + ": " + e.getMessage(), "check that the server runs and the login works", e);
        } finally {
            for (String db : added) {
                try (Connection c = cluster.connect(admin.user(), admin.password(), db); Statement s = c.createStatement()) {
                    s.execute("DROP EXTENSION IF EXISTS amcheck");
                } catch (SQLException e) {
                    // left behind; harmless, and the log says where
                    org.slf4j.LoggerFactory.getLogger(PgIntegrity.class).warn("amcheck stays installed in {} of {}: {}",
                            db, server.name(), e.getMessage());
                }
            }
        }
    }

    private static List<String> databases(PgCluster cluster, Credentials admin) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = cluster.connect(admin.user(), admin.password(), "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'template1'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Creates amcheck in {@code db} if it is missing; says whether it did. */
    private static boolean createAmcheck(PgCluster cluster, Credentials admin, String db) throws SQLException {
        try (Connection c = cluster.connect(admin.user(), admin.password(), db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")) {
                if (rs.next()) {
                    return false;
                }
            }
            s.execute("CREATE EXTENSION amcheck");
            return true;
        }
    }
}
