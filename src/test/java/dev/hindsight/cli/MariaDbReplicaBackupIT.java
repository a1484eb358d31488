package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups from a MariaDB replica: a managed server's replica (server replica create) serves full
 * and differential backups, first replicating by file and position, then by GTID; restores to a
 * time after each prove the data; with the replica stopped the next backup comes from the server,
 * with a note, and is a full (the replica's pages are numbered apart from the server's).
 */
class MariaDbReplicaBackupIT {
    @Test
    void backupsAreTakenFromTheReplicaByPositionAndByGtidFallBackWhenItIsDownAndRestore() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "mrep", "--engine", "mariadb", "--admin-user", "app",
                    "--admin-password", "s3cret-pw").ok();
            hs.awaitBackups("mrep", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            try (Connection c = hs.connect("mrep"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items(id INT PRIMARY KEY, price BIGINT)");
                s.execute("INSERT INTO items SELECT seq, seq * 7 FROM seq_1_to_300");
            }
            JsonNode replica = hs.cli("server", "replica", "create", "--server", "mrep", "--output", "json").ok()
                    .json();
            int port = replica.path("port").asInt();
            Path replicaData = Path.of(replica.path("dataDir").asText());
            Path replicaRun = replicaData.resolveSibling("standby-run");
            assertThat(replicaRun.resolve("master.info")).as("replication state outside the data directory")
                    .exists();
            try (Stream<Path> files = Files.list(replicaData)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.startsWith("xtrabackup_") || n.equals("master.info")
                                || n.startsWith("relay"));
            }
            assertThat(replicaRun.resolve("replica-init.sql")).as("the statement with the password is gone")
                    .doesNotExist();
            // as a client of a replica would: no createDatabaseIfNotExist, whose statement the
            // replica would write into its own binary log (and then refuse its server's, in strict mode)
            String replicaUri = "jdbc:mariadb://127.0.0.1:" + port + "/app?user=app&password=s3cret-pw";
            awaitRows(replicaUri, 300);

            // the first full came from the server: a differential on the replica cannot rest on it
            JsonNode full = hs.cli("backup", "create", "--server", "mrep", "--type", "diff", "--output", "json").ok()
                    .json();
            assertThat(full.path("kind").asText()).isEqualTo("FULL");
            assertThat(full.path("takenFrom").asText()).isEqualTo("standby");
            assertThat(full.path("reason").asText()).contains("numbered apart");

            try (Connection c = hs.connect("mrep"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT seq, seq * 11 FROM seq_301_to_600");
            }
            awaitRows(replicaUri, 600);
            JsonNode byPosition = hs.cli("backup", "create", "--server", "mrep", "--type", "diff", "--output",
                    "json").ok().json();
            assertThat(byPosition.path("kind").asText()).isEqualTo("DIFF");
            assertThat(byPosition.path("takenFrom").asText()).isEqualTo("standby");

            Map<String, String> atT1;
            try (Connection c = hs.connect("mrep"); Statement s = c.createStatement()) {
                s.execute("UPDATE items SET price = price + 1 WHERE id % 3 = 0");
                atT1 = MariaDbPitrEndToEndIT.checksums(c);
            }
            Thread.sleep(1100);
            Instant t1 = Instant.now();
            Thread.sleep(1100);

            // the replica now replicates by GTID, as replicas set up by hand usually do
            try (Connection r = DriverManager.getConnection(replicaUri); Statement s = r.createStatement()) {
                s.execute("STOP SLAVE");
                s.execute("CHANGE MASTER TO MASTER_USE_GTID=slave_pos");
                s.execute("START SLAVE");
            }
            try (Connection c = hs.connect("mrep"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT seq, seq * 13 FROM seq_601_to_800");
                s.execute("CREATE TABLE notes(id INT PRIMARY KEY, body TEXT)");
                s.execute("INSERT INTO notes SELECT seq, concat('note ', seq) FROM seq_1_to_50");
            }
            awaitRows(replicaUri, 800);
            JsonNode byGtid = hs.cli("backup", "create", "--server", "mrep", "--type", "diff", "--output", "json").ok()
                    .json();
            assertThat(byGtid.path("kind").asText()).isEqualTo("DIFF");
            assertThat(byGtid.path("takenFrom").asText()).isEqualTo("standby");
            assertThat(byGtid.path("stopPosition").asText()).as("a place in the server's own binary log")
                    .startsWith("binlog.");

            Map<String, String> atT;
            try (Connection c = hs.connect("mrep"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT seq, seq * 17 FROM seq_801_to_900");
                s.execute("DELETE FROM notes WHERE id > 40");
                atT = MariaDbPitrEndToEndIT.checksums(c);
            }
            Thread.sleep(1100);
            Instant t = Instant.now();
            Thread.sleep(1100);
            try (Connection c = hs.connect("mrep"); Statement s = c.createStatement()) {
                s.execute("DELETE FROM items WHERE id > 50"); // the damage after T
                s.execute("DROP TABLE notes");
            }
            hs.awaitLatestRestorePoint("mrep", Instant.now(), Duration.ofSeconds(30));

            // the replica stops: the next backup comes from the server, says why, and is a full
            try (Connection r = DriverManager.getConnection(replicaUri); Statement s = r.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                // the connection may drop as the server goes down
            }
            awaitDown(replicaRun.resolve("mariadbd.pid"));
            JsonNode fallback = hs.cli("backup", "create", "--server", "mrep", "--type", "diff", "--output", "json")
                    .ok().json();
            assertThat(fallback.path("status").asText()).isEqualTo("COMPLETED");
            assertThat(fallback.path("kind").asText()).isEqualTo("FULL");
            assertThat(fallback.path("takenFrom").isNull() || fallback.path("takenFrom").isMissingNode()).isTrue();
            assertThat(fallback.path("reason").asText()).contains("replica", "taken from the primary");

            JsonNode atPosition = hs.cli("server", "restore", "--source-server", "mrep", "--name", "mrep-at-t1",
                    "--restore-time", t1.toString(), "--output", "json").ok().json();
            assertThat(atPosition.path("backupId").asText()).isEqualTo(byPosition.path("id").asText());
            try (Connection r = hs.connect("mrep-at-t1")) {
                assertThat(MariaDbPitrEndToEndIT.checksums(r)).isEqualTo(atT1);
            }
            JsonNode atGtid = hs.cli("server", "restore", "--source-server", "mrep", "--name", "mrep-at-t",
                    "--restore-time", t.toString(), "--output", "json").ok().json();
            assertThat(atGtid.path("backupId").asText()).isEqualTo(byGtid.path("id").asText());
            try (Connection r = hs.connect("mrep-at-t"); Statement s = r.createStatement();
                 ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                assertThat(rs.next()).as("a restored server replicates from nobody").isFalse();
                assertThat(MariaDbPitrEndToEndIT.checksums(r)).isEqualTo(atT);
            }

            hs.cli("server", "replica", "delete", "--server", "mrep").ok();
            assertThat(replicaData).doesNotExist();
            assertThat(replicaRun).doesNotExist();
        }
    }

    private static void awaitRows(String uri, int rows) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        long seen = -1;
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = DriverManager.getConnection(uri); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                seen = rs.getLong(1);
                if (seen == rows) {
                    return;
                }
            } catch (SQLException e) {
                // the table has not reached the replica yet
            }
            Thread.sleep(200);
        }
        StringBuilder state = new StringBuilder();
        try (Connection c = DriverManager.getConnection(uri); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                if (rs.next()) {
                    state.append("IO ").append(rs.getString("Last_IO_Error")).append("; SQL ")
                            .append(rs.getString("Last_SQL_Error"));
                }
            }
            try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS")) {
                while (rs.next()) {
                    state.append("\n").append(rs.getString("Event_type")).append(" ").append(rs.getString("Info"));
                }
            }
        }
        throw new AssertionError("the replica did not apply " + rows + " rows in 60 s (saw " + seen + "): " + state);
    }

    private static void awaitDown(Path pidFile) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Files.exists(pidFile) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(pidFile).as("the replica stopped").doesNotExist();
    }
}
