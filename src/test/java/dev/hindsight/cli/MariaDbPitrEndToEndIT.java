package dev.hindsight.cli;

import org.junit.jupiter.api.Test;

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
 * MariaDB through the CLI and the daemon: the engine contract (checked with CHECKSUM TABLE and
 * row counts), and what is particular to MariaDB: a binary log that keeps whole seconds, its
 * connection strings, an offline restore that replays before it returns.
 */
class MariaDbPitrEndToEndIT extends EngineContract {
    MariaDbPitrEndToEndIT() {
        super("mariadb", "shop", "mysql://app:s3cret-pw@127.0.0.1:", "firewall rules came back");
    }

    @Override
    void createLoadTablesIfMissing(Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS accounts(id INT PRIMARY KEY, balance BIGINT)");
        s.execute("INSERT IGNORE INTO accounts SELECT seq, 0 FROM seq_1_to_50");
        s.execute("CREATE TABLE IF NOT EXISTS orders(id BIGINT AUTO_INCREMENT PRIMARY KEY, customer INT, amount BIGINT,"
                + " note VARCHAR(200))");
    }

    /** Each transaction an order (with a note of varying length) and an account update, committed together. */
    @Override
    SerialLoad loadOn(Connection c) throws SQLException {
        c.setAutoCommit(false);
        return new SerialLoad(c, (s, i) -> {
            s.execute("INSERT INTO orders(customer, amount, note) VALUES (" + (i % 97) + ", " + i
                    + ", REPEAT('n', " + (i % 150) + "))");
            s.execute("UPDATE accounts SET balance = balance + " + i + " WHERE id = " + (i % 50 + 1));
            c.commit();
        });
    }

    @Override
    boolean logKeepsWholeSeconds() {
        return true;
    }

    @Override
    Map<String, String> checksumsOf(Connection c) throws SQLException {
        return checksums(c);
    }

    @Override
    String numbers(int from, int to) {
        return "(SELECT seq AS n FROM seq_" + from + "_to_" + to + ") s";
    }

    @Override
    boolean hasTable(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM "
                + "information_schema.tables WHERE table_schema = DATABASE() AND table_name = '" + table + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Override
    String logEnd(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1) + ":" + rs.getLong(2);
        }
    }

    @Override
    boolean reaches(String held, String end) {
        return dev.hindsight.engine.mariadb.BinlogPosition.parse(held)
                .compareTo(dev.hindsight.engine.mariadb.BinlogPosition.parse(end)) >= 0;
    }

    @Override
    long serverPid(java.nio.file.Path serverDir) throws java.io.IOException {
        return Long.parseLong(java.nio.file.Files.readString(serverDir.resolve("run/mariadbd.pid")).strip());
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
    void connectionStringsComeInThreeForms() {
        assertThat(hs.cli("server", "show-connection-string", "--name", "shop").ok().out())
                .startsWith("mysql://app:s3cret-pw@127.0.0.1:");
        assertThat(hs.cli("server", "show-connection-string", "--name", "shop", "--format", "jdbc").ok().out())
                .startsWith("jdbc:mariadb://127.0.0.1:").contains("user=app&password=s3cret-pw");
        assertThat(hs.cli("server", "show-connection-string", "--name", "shop", "--format", "cli").ok().out())
                .startsWith("mariadb -h 127.0.0.1 -P ").contains("-u app --password=s3cret-pw");
        HindsightFixture.Result odd = hs.cli("server", "show-connection-string", "--name", "shop", "--format", "odbc");
        assertThat(odd.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(odd.err()).contains("uri, jdbc, cli");
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
}
