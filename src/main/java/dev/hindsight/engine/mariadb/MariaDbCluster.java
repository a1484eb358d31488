package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.ServerProfile;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One MariaDB server (data directory) on this host: create it, start and stop it, connect to it.
 * The server runs as {@link OsUser} ({@code mysql} when Hindsight is root), detached from
 * Hindsight's process so that it outlives a restart of the daemon, with its options file, socket,
 * pid file and error log in the run directory ({@link MariaDbConfig}).
 */
public final class MariaDbCluster {
    private static final Logger log = LoggerFactory.getLogger(MariaDbCluster.class);
    /** Programs run as another user need a working directory that user can enter. */
    private static final Path NEUTRAL_DIR = Path.of("/");
    private static final Duration POLL = Duration.ofMillis(100);

    private final MariaDbInstallation installation;
    private final OsUser osUser;
    private final Path dataDir;
    private final Path runDir;
    private final int port;
    private final long serverId;

    public MariaDbCluster(MariaDbInstallation installation, OsUser osUser, Path dataDir, Path runDir, int port,
                          long serverId) {
        if (serverId < 1 || serverId > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("server_id must be 1 to 4294967295, not " + serverId);
        }
        this.installation = installation;
        this.osUser = osUser;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.runDir = runDir.toAbsolutePath().normalize();
        this.port = port;
        this.serverId = serverId;
    }

    /**
     * Creates the system tables in a new, empty data directory (root may then log in from
     * 127.0.0.1 without a password: the caller sets logins next). Fails if the directory holds
     * anything.
     */
    public void initialize() {
        try {
            FileTrees.requireFreshDataDir(dataDir);
            Files.createDirectories(dataDir);
            Path config = writeConfig(List.of());
            osUser.giveOwnership(dataDir);
            Processes.run(osUser.command(List.of(installation.tool("mariadb-install-db").toString(),
                            "--defaults-file=" + config, "--auth-root-authentication-method=normal",
                            "--skip-test-db")),
                    Map.of(), NEUTRAL_DIR, Duration.ofMinutes(5));
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not create the MariaDB data directory " + dataDir + ": " + e.getMessage(),
                    "check that its parent exists and is writable", e);
        }
        log.info("MariaDB data directory created: {}", dataDir);
    }

    /**
     * Creates and starts a new server with the user's administrator and Hindsight's agent
     * ({@link MariaDbLogins}). On any failure the server is stopped and the data directory removed.
     */
    public void provision(String adminUser, String adminPassword, String agentUser, String agentPassword,
                          Duration startTimeout) {
        provision(adminUser, adminPassword, agentUser, agentPassword, startTimeout, ServerProfile.defaults());
    }

    /** {@link #provision(String, String, String, String, Duration)} configured for {@code profile}. */
    public void provision(String adminUser, String adminPassword, String agentUser, String agentPassword,
                          Duration startTimeout, ServerProfile profile) {
        MariaDbLogins.requireUserName(adminUser);
        MariaDbLogins.requireUserName(agentUser);
        writeProfile(profile);
        initialize();
        String step = "starting the server";
        try {
            start(startTimeout);
            step = "creating the logins";
            try (Connection root = connect("root", "")) {
                MariaDbLogins.provision(root, adminUser, adminPassword, agentUser, agentPassword);
            }
            if (profile.listensBeyondLoopback()) {
                step = "applying the firewall rules to the logins";
                try (Connection admin = connect(adminUser, adminPassword)) {
                    MariaDbFirewall.apply(admin, adminUser, agentUser, profile);
                }
            }
            log.info("MariaDB provisioned: data {} (admin {}, agent {})", dataDir, adminUser, agentUser);
        } catch (RuntimeException | SQLException e) {
            try {
                stop(Duration.ofMinutes(1));
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            try {
                FileTrees.deleteRecursively(dataDir);
            } catch (IOException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            HindsightException he = e instanceof HindsightException h ? h : null;
            throw new HindsightException(he != null ? he.kind() : HindsightException.Kind.FAILED,
                    "could not provision MariaDB in " + dataDir + " (while " + step + "): " + e.getMessage(),
                    he != null && he.hint() != null ? he.hint()
                            : "see " + MariaDbConfig.errorLog(runDir) + "; the data directory was removed", e);
        }
    }

    /** Keeps the profile's settings for every later start; returns whether they changed. */
    public boolean writeProfile(ServerProfile profile) {
        try {
            boolean changed = MariaDbProfileSettings.write(runDir, profile);
            osUser.giveOwnership(runDir);
            return changed;
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not write the server's settings into " + runDir + ": " + e.getMessage(),
                    "check that the directory is writable", e);
        }
    }

    private Path writeConfig(List<String> extraOptions) throws IOException {
        Files.createDirectories(runDir);
        Path config = MariaDbConfig.write(dataDir, runDir, port, serverId, extraOptions);
        osUser.giveOwnership(runDir);
        osUser.ensureTraversable(runDir);
        return config;
    }

    /** Starts the server and waits until it accepts connections; on failure the message has the error log's last lines. */
    public void start(Duration timeout) {
        start(timeout, List.of());
    }

    /** Starts the server with more options for this run only (e.g. to replay logs); the next start drops them. */
    public void start(Duration timeout, List<String> extraOptions) {
        if (isRunning()) {
            return;
        }
        Path config;
        try {
            config = writeConfig(extraOptions);
            Files.deleteIfExists(MariaDbConfig.pidFile(runDir));
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not prepare " + runDir + " to start MariaDB: " + e.getMessage(),
                    "check that the directory is writable", e);
        }
        Process server = spawnDetached(config);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (pid().isPresent() && acceptsConnections()) {
                log.info("MariaDB started: data {} port {}", dataDir, port);
                return;
            }
            if (!server.isAlive() && pid().isEmpty()) {
                throw startFailed("it exited");
            }
            if (System.nanoTime() > deadline) {
                throw startFailed("it did not accept connections within " + timeout.toSeconds() + " s");
            }
            sleep(POLL);
        }
    }

    /**
     * Starts mariadbd in a session of its own (setsid) with its output in a file, not a pipe to
     * this JVM: it must outlive the daemon, and no terminal signal may reach it.
     */
    private Process spawnDetached(Path config) {
        Path out = runDir.resolve("mariadbd.out");
        try {
            return new ProcessBuilder(osUser.command(List.of("setsid", installation.server().toString(),
                    "--defaults-file=" + config)))
                    .directory(NEUTRAL_DIR.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not start " + installation.server() + ": " + e.getMessage(),
                    "check that MariaDB is installed and " + runDir + " is writable", e);
        }
    }

    private HindsightException startFailed(String why) {
        return new HindsightException(HindsightException.Kind.FAILED,
                "MariaDB in " + dataDir + " did not start: " + why + "\nlast lines of "
                        + MariaDbConfig.errorLog(runDir) + ":\n" + errorLogTail(20),
                "fix what the error log reports (often: port " + port + " in use, or a bad setting)");
    }

    private boolean acceptsConnections() {
        // any answer, even "access denied", means the server is up
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "hindsight_probe", "")) {
            return true;
        } catch (SQLException e) {
            return e.getErrorCode() == 1045 || e.getErrorCode() == 1698;
        }
    }

    /** Stops the server cleanly (SIGTERM: transactions rolled back, InnoDB flushed) and waits; no-op if not running. */
    public void stop(Duration timeout) {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            return;
        }
        Processes.runAllowingFailure(List.of("kill", "-TERM", Long.toString(pid.get())), Map.of(), Duration.ofSeconds(10));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Files.exists(Path.of("/proc", Long.toString(pid.get())))) {
            if (System.nanoTime() > deadline) {
                throw new HindsightException(HindsightException.Kind.FAILED,
                        "MariaDB in " + dataDir + " (pid " + pid.get() + ") did not stop within " + timeout.toSeconds()
                                + " s", "see " + MariaDbConfig.errorLog(runDir) + "; kill -9 forces it (crash recovery at next start)");
            }
            sleep(POLL);
        }
        log.info("MariaDB stopped: data {}", dataDir);
    }

    /** Whether the pid file names a live process. */
    public boolean isRunning() {
        return pid().isPresent();
    }

    /**
     * The server's pid, if the pid file names a live process that is this server: after a power
     * loss a stale pid file may name a reused pid, which must neither pass for the server nor get
     * its signals.
     */
    private Optional<Long> pid() {
        try {
            long pid = Long.parseLong(Files.readString(MariaDbConfig.pidFile(runDir)).strip());
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            return cmdline.contains("--defaults-file=" + runDir.resolve(MariaDbConfig.FILE))
                    ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /**
     * Connects through the server's unix socket as the MariaDB account named like this process's
     * OS user: root@localhost, which authenticates by unix_socket on managed servers (and on
     * Debian's default installs), when Hindsight runs as root.
     */
    public Connection connectBySocket() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + MariaDbConfig.socket(runDir),
                System.getProperty("user.name"), "");
    }

    String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    public String errorLogTail(int lines) {
        try {
            return Processes.tail(Files.readString(MariaDbConfig.errorLog(runDir)), lines);
        } catch (IOException e) {
            return "(no error log: " + e.getMessage() + ")";
        }
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

    public long serverId() {
        return serverId;
    }

    public OsUser osUser() {
        return osUser;
    }

    public MariaDbInstallation installation() {
        return installation;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HindsightException(HindsightException.Kind.FAILED, "interrupted while waiting for MariaDB", null, e);
        }
    }
}
