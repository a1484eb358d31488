package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Attaching PostgreSQL servers: the attach contract, and the pre-flight check's refusals. */
class AttachEndToEndIT extends AttachContract {
    static String uri(TestPostgres pg) {
        return "postgresql://" + TestPostgres.AGENT + ":" + TestPostgres.AGENT_PASSWORD + "@127.0.0.1:" + pg.port()
                + "/postgres";
    }

    @Override
    String engine() {
        return "postgres";
    }

    @Override
    String loginPrefix() {
        return "postgresql://hs_agent:";
    }

    @Override
    int portOf(String uri) {
        return Integer.parseInt(uri.replaceAll(".*:(\\d+)/postgres$", "$1"));
    }

    @Override
    Legacy startLegacy() {
        TestPostgres pg = TestPostgres.start();
        return new Legacy() {
            @Override
            public Path dataDir() {
                return pg.cluster().dataDir();
            }

            @Override
            public String connection() {
                return uri(pg);
            }

            @Override
            public String writeLedger() throws SQLException {
                try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE ledger(id int PRIMARY KEY, amount int)");
                    s.execute("INSERT INTO ledger SELECT g, g * 3 FROM generate_series(1, 300) g");
                    return sumOf(s);
                }
            }

            @Override
            public String readLedger(int port) throws SQLException {
                try (Connection r = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                        TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD); Statement s = r.createStatement()) {
                    return sumOf(s);
                }
            }

            private String sumOf(Statement s) throws SQLException {
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || sum(amount) FROM ledger")) {
                    rs.next();
                    return rs.getString(1);
                }
            }

            @Override
            public boolean running() {
                return pg.cluster().isRunning();
            }

            @Override
            public void assertDetached() {
                assertThat(pg.queryLong("SELECT count(*) FROM pg_replication_slots"))
                        .as("its replication slot went with the attachment").isZero();
            }

            @Override
            public void close() {
                pg.close();
            }
        };
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
