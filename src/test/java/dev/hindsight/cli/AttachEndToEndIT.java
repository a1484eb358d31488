package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Attaching servers Hindsight did not create: the pre-flight check, backups, restores, detaching. */
class AttachEndToEndIT {
    static String uri(TestPostgres pg) {
        return "postgresql://" + TestPostgres.AGENT + ":" + TestPostgres.AGENT_PASSWORD + "@127.0.0.1:" + pg.port()
                + "/postgres";
    }

    @Test
    void aReadyServerIsBackedUpAndRestoresIntoAManagedOne() throws Exception {
        try (TestPostgres legacy = TestPostgres.start(); HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "attach", "--name", "legacy", "--data-dir", legacy.cluster().dataDir().toString(),
                    "--connection", uri(legacy)).ok();
            hs.awaitBackups("legacy", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            String expected;
            try (Connection c = legacy.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE ledger(id int PRIMARY KEY, amount int)");
                s.execute("INSERT INTO ledger SELECT g, g * 3 FROM generate_series(1, 300) g");
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || sum(amount) FROM ledger")) {
                    rs.next();
                    expected = rs.getString(1);
                }
            }
            Thread.sleep(1500);
            hs.cli("server", "restore", "--source-server", "legacy", "--name", "legacy-copy", "--latest").ok();
            String copy = hs.cli("server", "show-connection-string", "--name", "legacy-copy").ok().out().strip();
            assertThat(copy).as("the restored server keeps the attach login").startsWith("postgresql://hs_agent:");
            int port = Integer.parseInt(copy.replaceAll(".*:(\\d+)/postgres$", "$1"));
            try (Connection r = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD); Statement s = r.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) || ':' || sum(amount) FROM ledger")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(expected);
            }
            hs.cli("server", "delete", "--name", "legacy").ok();
            assertThat(legacy.cluster().isRunning()).as("an attached server is never stopped by Hindsight").isTrue();
            assertThat(legacy.queryLong("SELECT count(*) FROM pg_replication_slots"))
                    .as("its replication slot went with the attachment").isZero();
        }
    }

    @Test
    void aServerThatIsNotReadyIsToldWhatToChangeAndNothingIsRegistered() throws Exception {
        try (TestPostgres legacy = TestPostgres.start(); HindsightFixture hs = new HindsightFixture()) {
            legacy.runSql("ALTER SYSTEM SET wal_level = 'minimal'", "ALTER SYSTEM SET max_wal_senders = 0");
            legacy.cluster().stop();
            legacy.cluster().start(Duration.ofMinutes(1));
            HindsightFixture.Result refused = hs.cli("server", "attach", "--name", "legacy", "--data-dir", "/tmp",
                    "--connection", uri(legacy));
            assertThat(refused.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(refused.err()).contains("wal_level is minimal").contains("max_wal_senders is 0")
                    .contains("data directory is " + legacy.cluster().dataDir())
                    .contains("changes nothing there by itself");
            JsonNode list = hs.cli("server", "list", "--output", "json").ok().json();
            assertThat(list).isEmpty();
            assertThat(legacy.queryLong("SELECT count(*) FROM pg_replication_slots")).isZero();
            HindsightFixture.Result badUri = hs.cli("server", "attach", "--name", "legacy", "--data-dir", "/tmp",
                    "--connection", "mysql://x@y");
            assertThat(badUri.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(badUri.err()).contains("cannot read the connection URI");
        }
    }
}
