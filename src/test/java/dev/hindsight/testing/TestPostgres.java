package dev.hindsight.testing;

import dev.hindsight.engine.postgres.Lsn;
import dev.hindsight.engine.postgres.PgCluster;
import dev.hindsight.engine.postgres.PgInstallation;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real, freshly provisioned PostgreSQL for tests: its own directory under /tmp, a free port,
 * known logins. Run as the {@code postgres} OS user when the tests run as root. Typical use:
 * <pre>
 * static TestPostgres pg;
 * &#64;BeforeAll static void up() { pg = TestPostgres.start(); }
 * &#64;AfterAll static void down() { pg.close(); }
 * </pre>
 */
public final class TestPostgres implements AutoCloseable {
    public static final String ADMIN = "hs_admin";
    public static final String ADMIN_PASSWORD = "admin-pw-'quoted\"";
    public static final String AGENT = "hs_agent";
    public static final String AGENT_PASSWORD = "agent-pw";
    public static final String OS_USER_IF_ROOT = "postgres";

    private final Path root;
    private final PgCluster cluster;

    private TestPostgres(Path root, PgCluster cluster) {
        this.root = root;
        this.cluster = cluster;
    }

    /** Provisions and starts a new cluster; retries on another port if the chosen one was taken meanwhile. */
    public static TestPostgres start() {
        OsUser os = OsUser.forDatabase(OS_USER_IF_ROOT);
        PgInstallation installation = PgInstallation.locate();
        Path root = createRoot(os);
        for (int attempt = 1; ; attempt++) {
            PgCluster cluster = new PgCluster(installation, os, root.resolve("data"), root.resolve("run"), FreePort.find());
            try {
                cluster.provision(ADMIN, ADMIN_PASSWORD, AGENT, AGENT_PASSWORD);
                return new TestPostgres(root, cluster);
            } catch (HindsightException e) {
                boolean portTaken = String.valueOf(e.getMessage()).contains("already in use");
                if (!portTaken || attempt == 3) {
                    deleteQuietly(root);
                    throw e;
                }
            }
        }
    }

    private static Path createRoot(OsUser os) {
        try {
            Path root = Files.createTempDirectory(Path.of("/tmp"), "hindsight-pg-");
            os.ensureTraversable(root);
            os.giveOwnership(root);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PgCluster cluster() {
        return cluster;
    }

    /** The temporary directory holding data/ and run/; deleted by {@link #close()}. */
    public Path root() {
        return root;
    }

    public int port() {
        return cluster.port();
    }

    /** An admin (superuser) connection to the {@code postgres} database. */
    public Connection connect() throws SQLException {
        return connect("postgres");
    }

    public Connection connect(String database) throws SQLException {
        return cluster.connect(ADMIN, ADMIN_PASSWORD, database);
    }

    /** A connection as the least-privileged agent role. */
    public Connection connectAgent() throws SQLException {
        return cluster.connect(AGENT, AGENT_PASSWORD, "postgres");
    }

    /** A physical replication connection as the agent. */
    public Connection connectReplication() throws SQLException {
        return cluster.connectReplication(AGENT, AGENT_PASSWORD);
    }

    /** Runs statements as admin in autocommit mode, each committed on its own. */
    /**
     * Archives WAL into a new directory with archive_command and turns autovacuum off, then
     * restarts: tests that restore from their own backups get the WAL from there, and an idle
     * server really is idle. Set with ALTER SYSTEM, which a restore must neutralize.
     */
    public Path archiveWalQuietly() throws IOException {
        Path archive = Files.createDirectories(root().resolve("archive"));
        cluster().osUser().giveOwnership(archive);
        runSql("ALTER SYSTEM SET archive_mode = on",
                "ALTER SYSTEM SET archive_command = 'cp %p \"" + archive + "/%f\"'",
                "ALTER SYSTEM SET autovacuum = off");
        cluster().stop();
        cluster().start(Duration.ofMinutes(1));
        return archive;
    }

    public void runSql(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + cluster + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, as text (null if there is no row). */
    public String queryString(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + cluster + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    public long queryLong(String sql) {
        return Long.parseLong(queryString(sql));
    }

    /** pg_current_wal_lsn(): the end of WAL the server has written. */
    public Lsn currentWalLsn() {
        return Lsn.parse(queryString("SELECT pg_current_wal_lsn()"));
    }

    /** pgbench -i at {@code scale} (scale 1 ≈ 16 MB of data) in the postgres database. */
    public void pgbenchInit(int scale) {
        Processes.run(pgbench(List.of("-i", "-q", "-s", Integer.toString(scale))), pgEnv(), Path.of("/"),
                Duration.ofMinutes(10));
    }

    /**
     * Starts a timed pgbench load in the background (after {@link #pgbenchInit}). Call
     * {@code await(…)} to collect it (it fails if pgbench failed), or close it to stop early.
     */
    public Processes.Running pgbenchLoad(int clients, Duration duration) {
        return pgbenchLoad(clients, duration, false);
    }

    /**
     * As {@link #pgbenchLoad(int, Duration)}; with {@code asyncCommit} the load's sessions do not wait
     * for WAL flushes (synchronous_commit=off), which writes several times more WAL per second on
     * slow disks. Other sessions keep synchronous commits.
     */
    public Processes.Running pgbenchLoad(int clients, Duration duration, boolean asyncCommit) {
        Map<String, String> env = new java.util.HashMap<>(pgEnv());
        if (asyncCommit) {
            env.put("PGOPTIONS", "-c synchronous_commit=off");
        }
        return Processes.start(pgbench(List.of("-c", Integer.toString(clients), "-j", "1",
                "-T", Long.toString(Math.max(1, duration.toSeconds())), "-n")), env, Path.of("/"));
    }

    /** Waits for a background load and fails with its output if pgbench did not succeed. */
    public static Processes.Result awaitLoad(Processes.Running load, Duration timeout) {
        Processes.Result r = load.await(timeout);
        if (!r.succeeded()) {
            throw Processes.failure(r);
        }
        return r;
    }

    private List<String> pgbench(List<String> args) {
        Path tool = cluster.installation().tool("pgbench");
        List<String> argv = new ArrayList<>(List.of(Files.isExecutable(tool) ? tool.toString() : "/usr/bin/pgbench",
                "-h", "127.0.0.1", "-p", Integer.toString(port()), "-U", ADMIN));
        argv.addAll(args);
        argv.add("postgres");
        return cluster.osUser().command(argv);
    }

    private static Map<String, String> pgEnv() {
        return Map.of("PGPASSWORD", ADMIN_PASSWORD);
    }

    /** Stops the server and deletes everything under {@link #root()}. */
    @Override
    public void close() {
        try {
            cluster.stop();
        } finally {
            deleteQuietly(root);
        }
    }

    private static void deleteQuietly(Path root) {
        try {
            FileTrees.deleteRecursively(root);
        } catch (IOException e) {
            System.err.println("could not delete test directory " + root + ": " + e);
        }
    }
}
