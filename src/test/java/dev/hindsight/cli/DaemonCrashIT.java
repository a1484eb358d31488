package dev.hindsight.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 the daemon while the log streams under load, start it again: every transaction committed
 * more than a second before the kill is in a --latest restore, and the restore window has no
 * gap across the outage (PostgreSQL's replication slot kept the WAL; MariaDB keeps its binary
 * logs, and the capture resumes at the byte where the repository's copy ends).
 */
class DaemonCrashIT {
    Path home;
    Process daemon;

    @AfterEach
    void cleanUp() throws Exception {
        if (home == null) {
            return;
        }
        if (daemon == null || !daemon.isAlive()) {
            startDaemon();
        }
        for (String name : List.of("crash", "crash-latest", "crash-at-kill")) {
            cli("server", "delete", "--name", name, "--force");
        }
        daemon.destroy();
        daemon.waitFor();
        dev.hindsight.util.FileTrees.deleteRecursively(home);
    }

    void startDaemon() throws IOException, InterruptedException {
        Files.deleteIfExists(home.resolve("daemon.json"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.hindsight.cli.Main", "serve", "--home=" + home);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("daemon.log").toFile()));
        daemon = pb.start();
        Instant deadline = Instant.now().plusSeconds(60);
        while (cli("server", "list").exit() != 0) {
            if (Instant.now().isAfter(deadline) || !daemon.isAlive()) {
                throw new AssertionError("daemon did not start:\n" + Files.readString(home.resolve("daemon.log")));
            }
            Thread.sleep(200);
        }
    }

    HindsightFixture.Result cli(String... args) {
        return HindsightFixture.run(home, args);
    }

    Connection connect(String server) throws Exception {
        return HindsightFixture.connectTo(cli("server", "show-connection-string", "--name", server).ok().out().strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "mariadb"})
    void killNineDuringStreamingLosesNothingCommittedBeforeTheKill(String engine) throws Exception {
        home = Files.createTempDirectory(Path.of("/tmp"), "hindsight-crash-");
        startDaemon();
        cli("server", "create", "--name", "crash", "--engine", engine, "--admin-password", "crash-test-pw").ok();
        Instant deadline = Instant.now().plusSeconds(180);
        while (!HindsightFixture.anyCompleted(cli("backup", "list", "--server", "crash", "--output", "json")
                .ok().json())) {
            assertThat(Instant.now()).isBefore(deadline);
            Thread.sleep(500);
        }
        Map<Long, Instant> acked = new ConcurrentSkipListMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Instant killedAt;
        try (Connection c = connect("crash")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE events(id bigint PRIMARY KEY, payload text)");
            }
            Thread load = new Thread(() -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, repeat('x', 200))")) {
                    for (long id = 1; running.get(); id++) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                        acked.put(id, Instant.now());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            load.start();
            Thread.sleep(5000);
            daemon.destroyForcibly().waitFor();
            killedAt = Instant.now();
            Thread.sleep(2000);
            running.set(false);
            load.join();
        }
        assertThat(acked).hasSizeGreaterThan(500);
        startDaemon();
        Thread.sleep(3000);

        cli("server", "restore", "--source-server", "crash", "--name", "crash-latest", "--latest").ok();
        try (Connection r = connect("crash-latest")) {
            long mustHave = acked.entrySet().stream().filter(e -> e.getValue().isBefore(killedAt.minusSeconds(1)))
                    .mapToLong(Map.Entry::getKey).max().orElseThrow();
            assertThat(maxId(r)).as("every acked insert, even those during the outage").isEqualTo(acked.size());
            assertThat(count(r)).isEqualTo(acked.size()).isGreaterThanOrEqualTo(mustHave);
        }

        cli("server", "restore", "--source-server", "crash", "--name", "crash-at-kill",
                "--restore-time", killedAt.toString()).ok();
        try (Connection r = connect("crash-at-kill")) {
            long before = acked.entrySet().stream().filter(e -> e.getValue().isBefore(killedAt))
                    .mapToLong(Map.Entry::getKey).max().orElseThrow();
            assertThat(maxId(r)).as("a point inside the outage is restorable: no gap").isGreaterThanOrEqualTo(before)
                    .isLessThan(acked.size());
        }
    }

    static long maxId(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long count(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
