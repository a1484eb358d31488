package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.control.Home;
import dev.hindsight.daemon.Daemon;
import dev.hindsight.util.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A Hindsight home with an in-process daemon, and the real CLI pointed at it. Servers created
 * through it are deleted at close.
 */
final class HindsightFixture implements AutoCloseable {
    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        Result ok() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    final Path home;
    private Daemon daemon;
    private final List<String> created = new ArrayList<>();

    HindsightFixture() throws IOException {
        home = Files.createTempDirectory(Path.of("/tmp"), "hindsight-it-");
        daemon = Daemon.start(new Home(home), null, 0);
    }

    Daemon daemon() {
        return daemon;
    }

    void restartDaemon() throws IOException {
        daemon.close();
        daemon = Daemon.start(new Home(home), null, 0);
    }

    void stopDaemon() throws IOException {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    void startDaemon() throws IOException {
        daemon = Daemon.start(new Home(home), null, 0);
    }

    /** Runs one CLI command against {@code home} (the offline {@code restore} takes no home). */
    static Result run(Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("restore")) {
            all.add("--home=" + home);
        }
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    Result cli(String... args) {
        Result result = run(home, args);
        if (result.exit() == 0 && args.length > 2 && (args[1].equals("create") || args[1].equals("restore")
                || args[1].equals("geo-restore"))) {
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals("--name")) {
                    created.add(args[i + 1]);
                }
            }
        }
        return result;
    }

    /** Runs a command with the passphrase given through --passphrase-file. */
    Result cliWithPassphrase(String passphrase, String... args) throws IOException {
        Path file = Files.createTempFile("passphrase", ".txt");
        try {
            Files.writeString(file, passphrase);
            String[] all = java.util.Arrays.copyOf(args, args.length + 1);
            all[args.length] = "--passphrase-file=" + file;
            return cli(all);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Deletes this server at close too (one made other than by {@link #cli}). */
    void track(String server) {
        created.add(server);
    }

    Connection connect(String server) throws SQLException {
        return connectTo(cli("server", "show-connection-string", "--name", server).ok().out().strip());
    }

    /**
     * Opens a JDBC connection from the URI {@code server show-connection-string} prints: a libpq
     * URI, or a MySQL-style one, where tests use a database {@code app} made on first use.
     */
    static Connection connectTo(String uri) throws SQLException {
        // postgresql://user:password@127.0.0.1:port/postgres or mysql://user:password@127.0.0.1:port/
        boolean mysql = uri.startsWith("mysql://");
        String rest = uri.substring(uri.indexOf("://") + 3);
        String credentials = rest.substring(0, rest.lastIndexOf('@'));
        String hostPart = rest.substring(rest.lastIndexOf('@') + 1);
        String user = java.net.URLDecoder.decode(credentials.substring(0, credentials.indexOf(':')),
                java.nio.charset.StandardCharsets.UTF_8);
        String password = java.net.URLDecoder.decode(credentials.substring(credentials.indexOf(':') + 1),
                java.nio.charset.StandardCharsets.UTF_8);
        if (mysql) {
            return DriverManager.getConnection("jdbc:mariadb://" + hostPart + "app?createDatabaseIfNotExist=true",
                    user, password);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + hostPart, user, password);
    }

    /** A check run on a connection to a restored server. */
    interface SqlCheck {
        void check(Connection c) throws Exception;
    }

    /**
     * Starts a PostgreSQL data directory made by the offline {@code restore}, waits until it has
     * recovered and promoted, runs {@code check} on it, then stops it and removes the directory's parent.
     */
    static void startOfflineRestored(Path target, Path sockets, int port, String user, String password,
                                     SqlCheck check) throws Exception {
        var cluster = new dev.hindsight.engine.postgres.PgCluster(dev.hindsight.engine.postgres.PgInstallation.locate(),
                dev.hindsight.util.OsUser.forDatabase("postgres"), target, sockets, port);
        try {
            cluster.start(Duration.ofMinutes(2));
            Instant deadline = Instant.now().plusSeconds(60);
            while (true) {
                try (Connection r = cluster.connect(user, password, "postgres");
                     java.sql.Statement s = r.createStatement();
                     java.sql.ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        check.check(r);
                        return;
                    }
                } catch (SQLException e) {
                    // still starting
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the restored server did not promote within 60 s");
                }
                Thread.sleep(300);
            }
        } finally {
            cluster.stop();
            dev.hindsight.util.FileTrees.deleteRecursively(target.getParent());
        }
    }

    JsonNode backups(String server) {
        return cli("backup", "list", "--server", server, "--output", "json").ok().json();
    }

    /** Waits until the server's backups satisfy {@code done}; fails after {@code timeout}. */
    void awaitBackups(String server, Predicate<JsonNode> done, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = backups(server);
            if (done.test(last)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("backups of " + server + " did not get there in " + timeout + ": " + last);
    }

    /**
     * Waits until the server's log capture holds everything committed up to {@code committed}: a
     * {@code --latest} restore made after this includes it. Fails after {@code timeout}.
     */
    void awaitLatestRestorePoint(String server, Instant committed, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String latest = null;
        while (Instant.now().isBefore(deadline)) {
            latest = cli("server", "show", "--name", server, "--output", "json").ok().json()
                    .path("latestRestorePoint").asText(null);
            if (latest != null && Instant.parse(latest).isAfter(committed)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the latest restore point of " + server + " did not pass " + committed + " in "
                + timeout + ": " + latest);
    }

    static boolean anyCompleted(JsonNode backups) {
        for (JsonNode b : backups) {
            if ("COMPLETED".equals(b.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        if (daemon == null) {
            startDaemon();
        }
        for (String name : created) {
            cli("server", "delete", "--name", name, "--force"); // a test may have left it stopped or its storage down
        }
        daemon.close();
        liftImmutability(home);
        dev.hindsight.util.FileTrees.deleteRecursively(home);
    }

    /** A test that made backups immutable leaves files even root cannot delete before this. */
    static void liftImmutability(Path dir) throws IOException {
        try {
            new ProcessBuilder("chattr", "-R", "-f", "-i", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
