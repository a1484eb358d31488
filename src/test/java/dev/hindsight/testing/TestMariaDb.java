package dev.hindsight.testing;

import dev.hindsight.engine.mariadb.MariaDbCluster;
import dev.hindsight.engine.mariadb.MariaDbInstallation;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real, freshly provisioned MariaDB for tests: its own directory under /tmp, a free port, binary
 * logging as Hindsight configures it, known logins. Run as the {@code mysql} OS user when the
 * tests run as root.
 */
public final class TestMariaDb implements AutoCloseable {
    public static final String OS_USER_IF_ROOT = "mysql";
    public static final String ADMIN = "hs_admin";
    public static final String ADMIN_PASSWORD = "admin-pw-'quoted\\\"";
    public static final String AGENT = "hs_agent";
    public static final String AGENT_PASSWORD = "agent-pw";
    private static final Duration START = Duration.ofMinutes(1);

    private final Path root;
    private final MariaDbCluster cluster;

    private TestMariaDb(Path root, MariaDbCluster cluster) {
        this.root = root;
        this.cluster = cluster;
    }

    /** Creates and starts a new server; retries on another port if the chosen one was taken meanwhile. */
    public static TestMariaDb start() {
        OsUser os = OsUser.forDatabase(OS_USER_IF_ROOT);
        MariaDbInstallation installation = MariaDbInstallation.locate();
        for (int attempt = 1; ; attempt++) {
            Path root = createRoot(os);
            MariaDbCluster cluster = new MariaDbCluster(installation, os, root.resolve("data"), root.resolve("run"),
                    FreePort.find(), ThreadLocalRandom.current().nextLong(1, 1L << 31));
            try {
                cluster.provision(ADMIN, ADMIN_PASSWORD, AGENT, AGENT_PASSWORD, START);
                return new TestMariaDb(root, cluster);
            } catch (HindsightException e) {
                deleteQuietly(cluster, root);
                boolean portTaken = String.valueOf(e.getMessage()).contains("Address already in use");
                if (!portTaken || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Path createRoot(OsUser os) {
        try {
            Path root = Files.createTempDirectory(Path.of("/tmp"), "hindsight-mdb-");
            os.ensureTraversable(root);
            os.giveOwnership(root);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MariaDbCluster cluster() {
        return cluster;
    }

    public Path root() {
        return root;
    }

    public Connection connectAdmin() throws SQLException {
        return cluster.connect(ADMIN, ADMIN_PASSWORD);
    }

    public Connection connectAgent() throws SQLException {
        return cluster.connect(AGENT, AGENT_PASSWORD);
    }

    @Override
    public void close() {
        deleteQuietly(cluster, root);
    }

    private static void deleteQuietly(MariaDbCluster cluster, Path root) {
        try {
            cluster.stop(START);
        } catch (RuntimeException e) {
            System.err.println("could not stop test MariaDB in " + root + ": " + e);
        }
        try {
            FileTrees.deleteRecursively(root);
        } catch (IOException e) {
            System.err.println("could not delete test directory " + root + ": " + e);
        }
    }
}
