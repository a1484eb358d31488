package dev.hindsight.engine.postgres;

import dev.hindsight.engine.ServerProfile;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One PostgreSQL cluster (data directory) on this host: provision it, start and stop it, connect
 * to it. Server programs run as {@link OsUser}; clients connect over TCP on 127.0.0.1 because
 * pgjdbc has no Unix-socket support. The run directory holds the socket and the server log.
 */
public final class PgCluster {
    private static final Logger log = LoggerFactory.getLogger(PgCluster.class);
    /** Programs run as another user need a working directory that user can enter. */
    private static final Path NEUTRAL_DIR = Path.of("/");

    private final PgInstallation installation;
    private final OsUser osUser;
    private final Path dataDir;
    private final Path runDir;
    private volatile int port;

    public PgCluster(PgInstallation installation, OsUser osUser, Path dataDir, Path runDir, int port) {
        this.installation = installation;
        this.osUser = osUser;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.runDir = runDir.toAbsolutePath().normalize();
        this.port = port;
    }

    /**
     * Creates and starts a new cluster with checksums, SCRAM, Hindsight's settings and an agent
     * role of least privilege. On any failure the server is stopped and the data directory removed.
     */
    public void provision(String adminUser, String adminPassword, String agentUser, String agentPassword) {
        provision(adminUser, adminPassword, agentUser, agentPassword, ServerProfile.defaults());
    }

    /** {@link #provision(String, String, String, String)} configured for {@code profile}. */
    public void provision(String adminUser, String adminPassword, String agentUser, String agentPassword,
                          ServerProfile profile) {
        PgNames.requireRoleName(adminUser);
        PgNames.requireRoleName(agentUser);
        new PgProvisioning(this).run(adminUser, adminPassword, agentUser, agentPassword, profile);
    }

    /**
     * Writes hindsight.conf for {@code port} and the profile (taking effect at the next start) and
     * includes it from postgresql.conf; returns whether it changed.
     */
    public boolean writeManagedConfig(int port, ServerProfile profile) {
        try {
            boolean changed = PgConfigFiles.writeManagedConfig(dataDir, port, runDir, profile);
            osUser.giveOwnership(dataDir.resolve(PgConfigFiles.MANAGED_FILE));
            this.port = port;
            return changed;
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not write Hindsight's settings into " + dataDir + ": " + e.getMessage(),
                    "check that the data directory exists and is writable", e);
        }
    }

    /**
     * Replaces pg_hba.conf: local connections and the profile's firewall rules, SCRAM, replication
     * for the agent alone; returns whether it changed.
     */
    public boolean writeHba(String agentUser, ServerProfile profile) {
        try {
            boolean changed = PgConfigFiles.writeHba(dataDir, agentUser, profile);
            osUser.giveOwnership(dataDir.resolve("pg_hba.conf"));
            return changed;
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not write pg_hba.conf into " + dataDir + ": " + e.getMessage(),
                    "check that the data directory exists and is writable", e);
        }
    }

    /** Starts the server and waits until it accepts connections; on failure the message has the log's last lines. */
    public void start(Duration timeout) {
        prepareRunDir();
        long seconds = Math.max(1, timeout.toSeconds());
        Processes.Result result = Processes.runAllowingFailure(osUser.command(List.of(
                        tool("pg_ctl"), "start", "-D", dataDir.toString(), "-w", "-t", Long.toString(seconds),
                        "-l", logFile().toString())),
                Map.of(), NEUTRAL_DIR, timeout.plusSeconds(15));
        if (!result.succeeded()) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "PostgreSQL in " + dataDir + " did not start (pg_ctl exit " + result.exitCode() + "): "
                            + result.tail().strip() + "\nlast lines of " + logFile() + ":\n" + logTail(20),
                    "fix what the server log reports (often: port " + port + " in use, or a bad setting)");
        }
        log.info("PostgreSQL started: data {} port {}", dataDir, port);
    }

    /** Makes a running server re-read its configuration files (pg_hba.conf, reloadable settings). */
    public void reload() {
        Processes.Result result = Processes.runAllowingFailure(osUser.command(List.of(
                tool("pg_ctl"), "reload", "-D", dataDir.toString())), Map.of(), NEUTRAL_DIR, Duration.ofSeconds(30));
        if (!result.succeeded()) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "PostgreSQL in " + dataDir + " did not reload its configuration: " + result.tail().strip(),
                    "see " + logFile());
        }
    }

    /** Asks a server in recovery to promote and returns at once (the server decides when: a standby at the end of its WAL). */
    public void promote() {
        Processes.Result result = Processes.runAllowingFailure(osUser.command(List.of(
                tool("pg_ctl"), "promote", "-W", "-D", dataDir.toString())), Map.of(), NEUTRAL_DIR, Duration.ofSeconds(30));
        if (!result.succeeded()) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "PostgreSQL in " + dataDir + " could not be asked to promote: " + result.tail().strip(),
                    "see " + logFile() + "; pg_ctl promote works only while the server is in recovery");
        }
    }

    /** Stops the server (fast mode: open transactions are rolled back, clients disconnected); no-op if not running. */
    public void stop() {
        if (!isRunning()) {
            return;
        }
        Processes.Result result = Processes.runAllowingFailure(osUser.command(List.of(
                        tool("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "120")),
                Map.of(), NEUTRAL_DIR, Duration.ofSeconds(135));
        if (!result.succeeded() && isRunning()) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "PostgreSQL in " + dataDir + " did not stop: " + result.tail().strip(),
                    "see " + logFile() + "; pg_ctl stop -m immediate forces it (crash recovery at next start)");
        }
        log.info("PostgreSQL stopped: data {}", dataDir);
    }

    /** Whether a postmaster for this data directory is alive (postmaster.pid names a live postgres process). */
    public boolean isRunning() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return false;
            }
            String first = Files.readString(pidFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            long pid = Long.parseLong(first);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(true))
                    .orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false; // a pid file being written or removed right now
        }
    }

    /** Waits until the server answers on its TCP port (pg_isready); fails with the log's tail after {@code timeout}. */
    public void waitAcceptingConnections(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Processes.Result r = Processes.runAllowingFailure(List.of(tool("pg_isready"), "-q", "-h", "127.0.0.1",
                    "-p", Integer.toString(port), "-t", "2"), Map.of(), NEUTRAL_DIR, Duration.ofSeconds(10));
            if (r.succeeded()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                        "PostgreSQL on port " + port + " does not accept connections after " + timeout
                                + "\nlast lines of " + logFile() + ":\n" + logTail(20),
                        "check that it is running (data " + dataDir + ") and see its log");
            }
            sleep(Duration.ofMillis(200));
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A normal SQL connection over TCP. */
    public Connection connect(String user, String password, String database) throws SQLException {
        Properties props = baseProperties(user, password);
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /**
     * A physical replication connection (walsender): accepts IDENTIFY_SYSTEM, TIMELINE_HISTORY,
     * CREATE_REPLICATION_SLOT and START_REPLICATION in the simple query protocol only.
     * Unwrap to {@link org.postgresql.PGConnection} for the replication API.
     */
    public Connection connectReplication(String user, String password) throws SQLException {
        Properties props = baseProperties(user, password);
        props.setProperty("replication", "true");
        props.setProperty("assumeMinServerVersion", "15");
        props.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(jdbcUrl("postgres"), props);
    }

    private static Properties baseProperties(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "hindsight");
        props.setProperty("connectTimeout", "10");
        return props;
    }

    /** server_version_num, e.g. 150014. */
    public static int serverVersion(Connection c) throws SQLException {
        return Integer.parseInt(queryOne(c, "SHOW server_version_num"));
    }

    /** The system identifier every WAL segment of this cluster (and of its restores) carries. */
    public static long systemIdentifier(Connection c) throws SQLException {
        return Long.parseLong(queryOne(c, "SELECT system_identifier FROM pg_control_system()"));
    }

    private static String queryOne(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Creates the run directory (socket, log) and makes it the OS user's. */
    void prepareRunDir() {
        try {
            Files.createDirectories(runDir);
            osUser.ensureTraversable(runDir);
            osUser.giveOwnership(runDir);
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not create the run directory " + runDir + ": " + e.getMessage(),
                    "check permissions of its parent directory", e);
        }
    }

    /** The last {@code lines} lines of the server log, reading only its end (a log can be large). */
    public String logTail(int lines) {
        try (RandomAccessFile f = new RandomAccessFile(logFile().toFile(), "r")) {
            long from = Math.max(0, f.length() - 64 * 1024);
            byte[] buf = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(buf);
            return Processes.tail(new String(buf, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    String tool(String name) {
        return installation.tool(name).toString();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HindsightException(HindsightException.Kind.FAILED, "interrupted", null, e);
        }
    }

    public PgInstallation installation() {
        return installation;
    }

    public OsUser osUser() {
        return osUser;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path runDir() {
        return runDir;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return runDir.resolve("postgresql.log");
    }

    @Override
    public String toString() {
        return "PostgreSQL " + dataDir + " on port " + port;
    }
}
