package dev.hindsight.engine.mariadb;

import dev.hindsight.testing.TestMariaDb;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real MariaDB 10.11 from Debian's packages, created and run the way Hindsight manages one. */
class MariaDbClusterIT {
    static TestMariaDb db;

    @BeforeAll
    static void up() {
        db = TestMariaDb.start();
    }

    @AfterAll
    static void down() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void runsWithRowBinaryLogsGtidsItsServerIdAndOnlyOnLoopback() throws Exception {
        try (Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@log_bin, @@binlog_format, @@server_id, @@gtid_strict_mode,"
                    + " @@bind_address, @@port, @@version")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("log_bin").isTrue();
                assertThat(rs.getString(2)).isEqualTo("ROW");
                assertThat(rs.getLong(3)).isEqualTo(db.cluster().serverId());
                assertThat(rs.getBoolean(4)).as("gtid_strict_mode").isTrue();
                assertThat(rs.getString(5)).isEqualTo("127.0.0.1");
                assertThat(rs.getInt(6)).isEqualTo(db.cluster().port());
                assertThat(rs.getString(7)).startsWith(db.cluster().installation().version());
            }
            s.execute("CREATE DATABASE shop");
            s.execute("CREATE TABLE shop.orders (id INT PRIMARY KEY, amount INT)");
            s.execute("INSERT INTO shop.orders VALUES (1, 10), (2, 20)");
            try (ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
                rs.next();
                assertThat(rs.getString(1)).as("each transaction got a GTID in domain 0 from this server")
                        .matches("0-" + db.cluster().serverId() + "-\\d+");
            }
        }
        try (var files = Files.list(db.cluster().dataDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).contains("binlog.000001", "binlog.index");
        }
        assertThat(db.cluster().runDir().resolve("hindsight.cnf")).exists();
    }

    @Test
    void survivesARestartWithItsDataAndOpensANewBinaryLog() throws Exception {
        try (Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS kept");
            s.execute("CREATE TABLE IF NOT EXISTS kept.t (id INT PRIMARY KEY)");
            s.execute("REPLACE INTO kept.t VALUES (42)");
        }
        db.cluster().stop(Duration.ofMinutes(1));
        assertThat(db.cluster().isRunning()).isFalse();
        db.cluster().stop(Duration.ofMinutes(1)); // stopping a stopped server is nothing
        db.cluster().start(Duration.ofMinutes(1));
        try (Connection c = db.connectAdmin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM kept.t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        List<String> binlogs = Files.readAllLines(db.cluster().dataDir().resolve("binlog.index"));
        assertThat(binlogs.size()).as("a restart rotates the binary log").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aSecondServerOnTheSamePortFailsWithTheErrorLogsWords() throws Exception {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "hindsight-mdb-clash-");
        db.cluster().osUser().ensureTraversable(root);
        db.cluster().osUser().giveOwnership(root);
        MariaDbCluster clash = new MariaDbCluster(db.cluster().installation(), db.cluster().osUser(),
                root.resolve("data"), root.resolve("run"), db.cluster().port(), 7);
        try {
            clash.initialize();
            assertThatThrownBy(() -> clash.start(Duration.ofSeconds(30))).isInstanceOf(HindsightException.class)
                    .hasMessageContaining("did not start").hasMessageContaining("Address already in use");
            assertThatThrownBy(clash::initialize).hasMessageContaining("is not empty");
        } finally {
            clash.stop(Duration.ofSeconds(30));
            dev.hindsight.util.FileTrees.deleteRecursively(root);
        }
    }

    @Test
    void theAgentMayReadBinaryLogsButNotTouchDataAndRootHasNoPasswordlessTcpLogin() throws Exception {
        try (Connection agent = db.connectAgent(); Statement s = agent.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                assertThat(rs.next()).isTrue();
            }
            assertThatThrownBy(() -> s.execute("CREATE DATABASE not_allowed")).isInstanceOf(java.sql.SQLException.class)
                    .hasMessageContaining("Access denied");
        }
        assertThatThrownBy(() -> db.cluster().connect("root", "")).isInstanceOf(java.sql.SQLException.class)
                .hasMessageContaining("Access denied");
        try (Connection admin = db.connectAdmin(); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM mysql.user WHERE User = ''")) {
            rs.next();
            assertThat(rs.getInt(1)).as("no anonymous logins").isZero();
        }
    }

    @Test
    void aBadUserNameIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "hindsight-mdb-names-");
        try {
            MariaDbCluster c = new MariaDbCluster(db.cluster().installation(), db.cluster().osUser(),
                    root.resolve("data"), root.resolve("run"), 1, 9);
            assertThatThrownBy(() -> c.provision("Robert'); DROP", "x", "agent", "y", Duration.ofSeconds(10)))
                    .isInstanceOf(HindsightException.class).hasMessageContaining("not a valid MariaDB user name");
            assertThat(root.resolve("data")).doesNotExist();
        } finally {
            dev.hindsight.util.FileTrees.deleteRecursively(root);
        }
    }

    @Test
    void theVersionIsReadFromTheServerProgram() {
        assertThat(MariaDbInstallation.parseVersion("mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu"))
                .isEqualTo("10.11.19");
        assertThatThrownBy(() -> MariaDbInstallation.parseVersion("mysqld  Ver 8.0.36 for Linux"))
                .hasMessageContaining("cannot read the MariaDB version");
        assertThatThrownBy(() -> MariaDbInstallation.locate(List.of(Path.of("/nonexistent"))))
                .hasMessageContaining("MariaDB is not installed here")
                .isInstanceOfSatisfying(HindsightException.class, e -> assertThat(e.hint()).contains("mariadb-backup"));
    }
}
