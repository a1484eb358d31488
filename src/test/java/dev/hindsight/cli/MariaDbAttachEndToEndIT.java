package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.testing.TestMariaDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Attaching MariaDB servers Hindsight did not create: the pre-flight check, backups, a restore into a managed one. */
class MariaDbAttachEndToEndIT {
    static String uri(TestMariaDb db) {
        return "mysql://" + TestMariaDb.AGENT + ":" + TestMariaDb.AGENT_PASSWORD + "@127.0.0.1:" + db.cluster().port()
                + "/";
    }

    @Test
    void aReadyServerIsBackedUpWithItsBackupLoginAndRestoresIntoAManagedOne() throws Exception {
        try (TestMariaDb legacy = TestMariaDb.start(); HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "attach", "--name", "legacy", "--engine", "mariadb", "--data-dir",
                    legacy.cluster().dataDir().toString(), "--connection", uri(legacy)).ok();
            hs.awaitBackups("legacy", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            String expected;
            try (Connection c = legacy.connectAdmin(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE ledger");
                s.execute("USE ledger");
                s.execute("CREATE TABLE ledger.entries(id INT PRIMARY KEY, amount INT)");
                s.execute("INSERT INTO ledger.entries SELECT seq, seq * 3 FROM seq_1_to_300");
                try (ResultSet rs = s.executeQuery("SELECT CONCAT(count(*), ':', sum(amount)) FROM ledger.entries")) {
                    rs.next();
                    expected = rs.getString(1);
                }
            }
            Thread.sleep(1500);
            hs.cli("server", "restore", "--source-server", "legacy", "--name", "legacy-copy", "--latest").ok();
            String copy = hs.cli("server", "show-connection-string", "--name", "legacy-copy").ok().out().strip();
            assertThat(copy).as("the restored server keeps the attach login").startsWith("mysql://hs_agent:");
            int port = Integer.parseInt(copy.replaceAll(".*:(\\d+)/$", "$1"));
            try (Connection r = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/",
                    TestMariaDb.ADMIN, TestMariaDb.ADMIN_PASSWORD); Statement s = r.createStatement();
                 ResultSet rs = s.executeQuery("SELECT CONCAT(count(*), ':', sum(amount)) FROM ledger.entries")) {
                rs.next();
                assertThat(rs.getString(1)).as("the source's logins came back with the data").isEqualTo(expected);
            }
            hs.cli("server", "delete", "--name", "legacy").ok();
            assertThat(legacy.cluster().isRunning()).as("an attached server is never stopped by Hindsight").isTrue();
        }
    }

    @Test
    void aServerWithoutRowBinaryLogsIsToldWhatToChangeAndNothingIsRegistered() throws Exception {
        try (TestMariaDb legacy = TestMariaDb.start(); HindsightFixture hs = new HindsightFixture()) {
            legacy.cluster().stop(Duration.ofMinutes(1));
            legacy.cluster().start(Duration.ofMinutes(1), List.of("skip-log-bin", "binlog_format=MIXED"));
            HindsightFixture.Result refused = hs.cli("server", "attach", "--name", "legacy", "--engine", "mariadb",
                    "--data-dir", "/tmp", "--connection", uri(legacy));
            assertThat(refused.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(refused.err()).contains("binary logging is off").contains("binlog_format is MIXED")
                    .contains("data directory is " + legacy.cluster().dataDir())
                    .contains("changes nothing there by itself");
            JsonNode list = hs.cli("server", "list", "--output", "json").ok().json();
            assertThat(list).isEmpty();

            HindsightFixture.Result weak = hs.cli("server", "attach", "--name", "legacy", "--engine", "mariadb",
                    "--data-dir", legacy.cluster().dataDir().toString(), "--connection",
                    "mysql://nobody:wrong@127.0.0.1:" + legacy.cluster().port() + "/");
            assertThat(weak.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(weak.err()).contains("cannot connect").contains("as nobody");
            HindsightFixture.Result badUri = hs.cli("server", "attach", "--name", "legacy", "--engine", "mariadb",
                    "--data-dir", "/tmp", "--connection", "postgresql://x:y@127.0.0.1:5432/postgres");
            assertThat(badUri.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(badUri.err()).contains("cannot read the connection URI").contains("mysql://");
        }
    }
}
