package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.testing.TestMariaDb;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Attaching MariaDB servers: the attach contract (logins come back with the data), and the pre-flight refusals. */
class MariaDbAttachEndToEndIT extends AttachContract {
    static String uri(TestMariaDb db) {
        return "mysql://" + TestMariaDb.AGENT + ":" + TestMariaDb.AGENT_PASSWORD + "@127.0.0.1:" + db.cluster().port()
                + "/";
    }

    @Override
    String engine() {
        return "mariadb";
    }

    @Override
    String loginPrefix() {
        return "mysql://hs_agent:";
    }

    @Override
    int portOf(String uri) {
        return Integer.parseInt(uri.replaceAll(".*:(\\d+)/$", "$1"));
    }

    @Override
    Legacy startLegacy() {
        TestMariaDb db = TestMariaDb.start();
        return new Legacy() {
            @Override
            public Path dataDir() {
                return db.cluster().dataDir();
            }

            @Override
            public String connection() {
                return uri(db);
            }

            @Override
            public String writeLedger() throws SQLException {
                try (Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE ledger");
                    s.execute("USE ledger"); // the seq_ tables need a database
                    s.execute("CREATE TABLE ledger.entries(id INT PRIMARY KEY, amount INT)");
                    s.execute("INSERT INTO ledger.entries SELECT seq, seq * 3 FROM seq_1_to_300");
                    return sumOf(s);
                }
            }

            /** Read with the source's administrator: its logins came back with the data. */
            @Override
            public String readLedger(int port) throws SQLException {
                try (Connection r = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/",
                        TestMariaDb.ADMIN, TestMariaDb.ADMIN_PASSWORD); Statement s = r.createStatement()) {
                    return sumOf(s);
                }
            }

            private String sumOf(Statement s) throws SQLException {
                try (ResultSet rs = s.executeQuery("SELECT CONCAT(count(*), ':', sum(amount)) FROM ledger.entries")) {
                    rs.next();
                    return rs.getString(1);
                }
            }

            @Override
            public boolean running() {
                return db.cluster().isRunning();
            }

            @Override
            public void assertDetached() {
                // a binary log dump leaves nothing on the server
            }

            @Override
            public void close() {
                db.close();
            }
        };
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
