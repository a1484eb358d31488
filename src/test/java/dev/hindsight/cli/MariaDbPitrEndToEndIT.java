package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PITR proof for MariaDB through the CLI and the daemon: CHECKSUM TABLE and row counts of
 * every table at T under a running load; a table dropped and rows deleted after T; a restore to
 * T as a new server has exactly those checksums and counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbPitrEndToEndIT {
    HindsightFixture hs;

    @BeforeAll
    void start() throws Exception {
        hs = new HindsightFixture();
        hs.cli("server", "create", "--name", "shop", "--engine", "mariadb", "--admin-user", "app",
                "--admin-password", "s3cret-pw", "--output", "json").ok();
        hs.awaitBackups("shop", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts(id INT PRIMARY KEY, balance BIGINT)");
            s.execute("INSERT INTO accounts SELECT seq, 0 FROM seq_1_to_50");
            s.execute("CREATE TABLE orders(id BIGINT AUTO_INCREMENT PRIMARY KEY, customer INT, amount BIGINT,"
                    + " note VARCHAR(200))");
        }
    }

    @AfterAll
    void stop() throws Exception {
        hs.close();
    }

    /** CHECKSUM TABLE and the row count of every table of the test database. */
    static Map<String, String> checksums(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet tables = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema ="
                     + " 'app' ORDER BY table_name")) {
            java.util.List<String> names = new java.util.ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String t : names) {
                try (Statement q = c.createStatement(); ResultSet rs = q.executeQuery("CHECKSUM TABLE " + t)) {
                    rs.next();
                    out.put(t, rs.getString(2));
                }
                try (Statement q = c.createStatement(); ResultSet rs = q.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    out.put(t + ".rows", rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void restoreToTimeUnderLoadProvesTheDataWithChecksumTable() throws Exception {
        Map<String, String> atT;
        Instant t;
        try (Connection c = hs.connect("shop"); Connection loadConn = hs.connect("shop")) {
            loadConn.setAutoCommit(false);
            try (SerialLoad load = new SerialLoad(loadConn, (s, i) -> {
                s.execute("INSERT INTO orders(customer, amount, note) VALUES (" + (i % 97) + ", " + i
                        + ", REPEAT('n', " + (i % 150) + "))");
                s.execute("UPDATE accounts SET balance = balance + " + i + " WHERE id = " + (i % 50 + 1));
                loadConn.commit();
            })) {
                Thread.sleep(3000);
                SerialLoad.Quiet quiet = load.quiet(c, MariaDbPitrEndToEndIT::checksums, 0, true);
                atT = quiet.checksums();
                t = quiet.at();
                Thread.sleep(1500);
                assertThat(load.committed.get()).as("the load ran").isGreaterThan(100);
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS doomed(id INT PRIMARY KEY)");
                s.execute("DROP TABLE orders");
                s.execute("DELETE FROM accounts WHERE id > 25");
            }
        }
        assertThat(atT).containsKeys("accounts", "orders", "orders.rows");
        Thread.sleep(2000);
        HindsightFixture.Result restored = hs.cli("server", "restore", "--source-server", "shop", "--name",
                "shop-at-t", "--restore-time", t.toString()).ok();
        assertThat(restored.out()).contains("mysql://app:s3cret-pw@127.0.0.1:").contains("logins and grants");
        try (Connection r = hs.connect("shop-at-t")) {
            assertThat(checksums(r)).isEqualTo(atT);
        }
        JsonNode show = hs.cli("server", "show", "--name", "shop-at-t", "--output", "json").ok().json();
        assertThat(show.path("state").asText()).isEqualTo("running");
        assertThat(show.path("engine").asText()).isEqualTo("mariadb");
        try (Connection source = hs.connect("shop"); Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the source is untouched by the restore").isZero();
        }
        hs.cli("server", "delete", "--name", "shop-at-t").ok();
    }

    @Test
    void aTargetInsideASecondIncludesEveryTransactionOfThatSecond() throws Exception {
        try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS seconds(id INT PRIMARY KEY, at VARCHAR(40))");
            Instant t;
            while (true) {
                long nextSecond = (System.currentTimeMillis() / 1000 + 1) * 1000;
                Thread.sleep(nextSecond - System.currentTimeMillis() + 50);
                s.execute("DELETE FROM seconds");
                s.execute("INSERT INTO seconds VALUES (1, 'before the target')");
                t = Instant.now();
                Thread.sleep(400);
                s.execute("INSERT INTO seconds VALUES (2, 'after the target, same second')");
                if (Instant.now().getEpochSecond() == t.getEpochSecond()) {
                    break; // both commits fell in the target's second
                }
            }
            Thread.sleep(1100);
            s.execute("INSERT INTO seconds VALUES (3, 'the next second')");
            Thread.sleep(2500);
            hs.cli("server", "restore", "--source-server", "shop", "--name", "shop-second", "--restore-time",
                    t.toString()).ok();
        }
        try (Connection r = hs.connect("shop-second"); Statement s = r.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_concat(id ORDER BY id) FROM seconds")) {
            rs.next();
            assertThat(rs.getString(1)).as("the binary log keeps whole seconds: the target's second is included,"
                    + " the next is not").isEqualTo("1,2");
        }
        hs.cli("server", "delete", "--name", "shop-second").ok();
    }

    @Test
    void aDifferentialRestoresWithItsFullAndTheLatestHoldsASecondAgo() throws Exception {
        try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bulk(id INT PRIMARY KEY, v VARCHAR(100))");
            s.execute("INSERT INTO bulk SELECT seq, REPEAT('b', 90) FROM seq_1_to_20000");
        }
        JsonNode diff = hs.cli("backup", "create", "--server", "shop", "--type", "diff", "--output", "json").ok().json();
        assertThat(diff.path("kind").asText()).isEqualToIgnoringCase("diff");
        Map<String, String> latest;
        try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
            s.execute("UPDATE bulk SET v = 'changed after the differential' WHERE id % 7 = 0");
            latest = checksums(c);
        }
        Thread.sleep(1500);
        hs.cli("server", "restore", "--source-server", "shop", "--name", "shop-latest", "--latest").ok();
        try (Connection r = hs.connect("shop-latest")) {
            assertThat(checksums(r)).isEqualTo(latest);
        }
        hs.cli("server", "delete", "--name", "shop-latest").ok();
    }

    @Test
    void connectionStringsComeInThreeFormsAndBadTargetsAreRefused() {
        assertThat(hs.cli("server", "show-connection-string", "--name", "shop").ok().out())
                .startsWith("mysql://app:s3cret-pw@127.0.0.1:");
        assertThat(hs.cli("server", "show-connection-string", "--name", "shop", "--format", "jdbc").ok().out())
                .startsWith("jdbc:mariadb://127.0.0.1:").contains("user=app&password=s3cret-pw");
        assertThat(hs.cli("server", "show-connection-string", "--name", "shop", "--format", "cli").ok().out())
                .startsWith("mariadb -h 127.0.0.1 -P ").contains("-u app --password=s3cret-pw");
        HindsightFixture.Result odd = hs.cli("server", "show-connection-string", "--name", "shop", "--format", "odbc");
        assertThat(odd.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(odd.err()).contains("uri, jdbc, cli");

        HindsightFixture.Result before = hs.cli("server", "restore", "--source-server", "shop", "--name", "shop-x",
                "--restore-time", "2020-01-01T00:00:00Z");
        assertThat(before.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(before.err()).contains("outside the restore window").contains("earliest");
        assertThat(hs.cli("server", "show", "--name", "shop-x").exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void offlineRestoreFromTheRepositoryAloneReplaysIntoADataDirectoryThatStarts() throws Exception {
        Map<String, String> expected;
        try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS dr_check(id INT PRIMARY KEY, note VARCHAR(40))");
            s.execute("REPLACE INTO dr_check VALUES (1, 'survives the disaster')");
            expected = checksums(c);
        }
        Thread.sleep(2000);
        java.nio.file.Path parent = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("/tmp"), "dr-");
        java.nio.file.Path target = parent.resolve("data");
        HindsightFixture.Result done = hs.cli("restore", "--repository", hs.home.resolve("repository").toString(),
                "--server", "shop", "--latest", "--target-dir", target.toString()).ok();
        assertThat(done.out()).contains("binary log already replayed");
        assertThat(parent.resolve("data-run")).as("the replay's own run directory is gone").doesNotExist();
        var cluster = new dev.hindsight.engine.mariadb.MariaDbCluster(
                dev.hindsight.engine.mariadb.MariaDbInstallation.locate(), dev.hindsight.util.OsUser.forDatabase("mysql"),
                target, parent.resolve("run"), dev.hindsight.util.FreePort.find(), 4242);
        try {
            cluster.start(Duration.ofMinutes(2));
            try (Connection r = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + cluster.port()
                    + "/app", "app", "s3cret-pw")) {
                assertThat(checksums(r)).isEqualTo(expected);
            }
        } finally {
            cluster.stop(Duration.ofMinutes(1));
            dev.hindsight.util.FileTrees.deleteRecursively(parent);
        }
    }

    /**
     * kill -9 the server while it is written to: its open binary log ends without a rotate or a
     * stop; the supervisor starts it again, the capture seals the crashed file when the server
     * streams the next one, and a latest restore holds every commit from both sides of the crash.
     */
    @Test
    void aServerCrashLeavesNoGapInTheLog() throws Exception {
        try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS crashes(id INT PRIMARY KEY, side VARCHAR(10))");
            s.execute("INSERT INTO crashes SELECT seq, 'before' FROM seq_1_to_500");
        }
        Thread.sleep(1500);
        java.nio.file.Path pidFile;
        try (var dirs = java.nio.file.Files.list(hs.home.resolve("servers"))) {
            pidFile = dirs.filter(d -> d.getFileName().toString().startsWith("shop-")).map(d -> d.resolve("run/mariadbd.pid"))
                    .filter(java.nio.file.Files::exists).findFirst().orElseThrow();
        }
        long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        Instant deadline = Instant.now().plusSeconds(60);
        Map<String, String> expected = null;
        while (expected == null) {
            try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO crashes SELECT seq, 'after' FROM seq_501_to_800");
                expected = checksums(c);
            } catch (SQLException e) {
                assertThat(Instant.now()).as("the supervisor starts the server again").isBefore(deadline);
                Thread.sleep(500);
            }
        }
        Instant written = Instant.now();
        while (true) { // the capture reconnects (with backoff) and the latest point moves past the writes
            String latest = hs.cli("server", "show", "--name", "shop", "--output", "json").ok().json()
                    .path("latestRestorePoint").asText("");
            if (!latest.isEmpty() && Instant.parse(latest).isAfter(written)) {
                break;
            }
            assertThat(Instant.now()).as("log capture back within a minute").isBefore(deadline.plusSeconds(60));
            Thread.sleep(200);
        }
        hs.cli("server", "restore", "--source-server", "shop", "--name", "shop-crash", "--latest").ok();
        try (Connection r = hs.connect("shop-crash")) {
            assertThat(checksums(r)).isEqualTo(expected);
        }
        hs.cli("server", "delete", "--name", "shop-crash").ok();
    }
}
