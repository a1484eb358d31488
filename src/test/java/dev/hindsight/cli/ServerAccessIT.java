package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.repo.catalog.Tier;
import dev.hindsight.util.MachineMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiers and firewall rules on real servers. Linux routes all of 127.0.0.0/8 to the loopback
 * device, so a client can bind any of those addresses as its source: 127.0.0.2 stands for an
 * allowed client, 127.0.0.9 for one no rule allows, and connecting to 127.0.0.2 at all shows
 * whether the server listens beyond 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerAccessIT {
    private static final String ADMIN = "app";
    private static final String PASSWORD = "s3cret-pw";
    private HindsightFixture hs;

    @BeforeAll
    void start() throws Exception {
        hs = new HindsightFixture();
    }

    @AfterAll
    void stop() throws Exception {
        hs.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "mariadb"})
    void tierAndFirewallRulesReachTheServerAndRestoresKeepWhatTheEngineKeeps(String engine) throws Exception {
        String name = "acc-" + (engine.equals("postgres") ? "pg" : "mdb");
        hs.cli("server", "create", "--name", name, "--engine", engine, "--tier", "burstable", "--admin-user", ADMIN,
                "--admin-password", PASSWORD, "--output", "json").ok();
        JsonNode shown = hs.cli("server", "show", "--name", name, "--output", "json").ok().json();
        int port = shown.path("port").asInt();
        assertThat(shown.path("tier").asText()).isEqualTo("burstable");
        assertThat(shown.path("firewallRules")).isEmpty();
        assertSized(engine, port, Tier.BURSTABLE);

        assertThat(refusal(engine, "127.0.0.2", port, "127.0.0.2")).as("no rule: 127.0.0.1 only")
                .containsIgnoringCase("refused");

        // a bad rule is refused and changes nothing
        HindsightFixture.Result bad = hs.cli("server", "firewall-rule", "create", "--server", name, "--name", "x",
                "--start-ip", "127.0.0.300", "--end-ip", "127.0.0.3");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("127.0.0.300").contains("0-255");
        HindsightFixture.Result reversed = hs.cli("server", "firewall-rule", "create", "--server", name, "--name", "x",
                "--start-ip", "127.0.0.9", "--end-ip", "127.0.0.3");
        assertThat(reversed.err()).contains("comes after");
        assertThat(hs.cli("server", "firewall-rule", "list", "--server", name, "--output", "json").ok().json())
                .isEmpty();

        // listening beyond 127.0.0.1 restarts the server, which never happens through a running backup
        hs.awaitBackups(name, HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        String created = restarting(hs, "server", "firewall-rule", "create", "--server", name, "--name", "office",
                "--start-ip", "127.0.0.2", "--end-ip", "127.0.0.3").ok().out();
        assertThat(created).contains("office").contains("every address");
        try (Connection allowed = connect(engine, "127.0.0.2", port, "127.0.0.2")) {
            assertThat(allowed.isValid(5)).isTrue();
        }
        try (Connection allowed = connect(engine, "127.0.0.2", port, "127.0.0.3")) {
            assertThat(allowed.isValid(5)).isTrue();
        }
        assertThat(refusal(engine, "127.0.0.2", port, "127.0.0.9")).as("a client no rule allows")
                .contains("127.0.0.9");
        try (Connection local = connect(engine, "127.0.0.1", port, null)) {
            assertThat(local.isValid(5)).as("127.0.0.1 stays allowed").isTrue();
        }

        // a new tier restarts the server with its settings; log capture and backups go on
        restarting(hs, "server", "update", "--name", name, "--tier", "memory-optimized").ok();
        assertSized(engine, port, Tier.MEMORY_OPTIMIZED);
        try (Connection c = connect(engine, "127.0.0.1", port, null); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE marker(id INT PRIMARY KEY)");
            s.execute("INSERT INTO marker VALUES (42)");
        }
        assertThat(hs.cli("server", "update", "--name", name, "--tier", "huge").err()).contains("unknown tier")
                .contains("memory-optimized");
        Thread.sleep(2500);

        String restored = name + "-r";
        String out = hs.cli("server", "restore", "--source-server", name, "--name", restored, "--latest").ok().out();
        JsonNode copy = hs.cli("server", "show", "--name", restored, "--output", "json").ok().json();
        int copyPort = copy.path("port").asInt();
        assertThat(copy.path("tier").asText()).as("a restore keeps the tier").isEqualTo("memory-optimized");
        assertSized(engine, copyPort, Tier.MEMORY_OPTIMIZED);
        try (Connection c = connect(engine, "127.0.0.1", copyPort, null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM marker")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        if (engine.equals("mariadb")) {
            assertThat(out).contains("firewall rules came back");
            assertThat(copy.path("firewallRules").get(0).path("name").asText()).isEqualTo("office");
            try (Connection allowed = connect(engine, "127.0.0.2", copyPort, "127.0.0.2")) {
                assertThat(allowed.isValid(5)).isTrue();
            }
            assertThat(refusal(engine, "127.0.0.2", copyPort, "127.0.0.9")).contains("127.0.0.9");
        } else {
            assertThat(out).contains("firewall rules and client access rules (pg_hba.conf) were not restored");
            assertThat(copy.path("firewallRules")).isEmpty();
            assertThat(refusal(engine, "127.0.0.2", copyPort, "127.0.0.2")).containsIgnoringCase("refused");
        }

        String deleted = restarting(hs, "server", "firewall-rule", "delete", "--server", name, "--name", "office").ok().out();
        assertThat(deleted).contains("127.0.0.1 only");
        assertThat(refusal(engine, "127.0.0.2", port, "127.0.0.2")).containsIgnoringCase("refused");
        assertThat(hs.cli("server", "firewall-rule", "delete", "--server", name, "--name", "office").err())
                .contains("no firewall rule named office");
        try (Connection local = connect(engine, "127.0.0.1", port, null)) {
            assertThat(local.isValid(5)).isTrue();
        }
    }

    private static void assertSized(String engine, int port, Tier tier) throws SQLException {
        long share = tier.memoryShare(MachineMemory.totalBytes());
        try (Connection c = connect(engine, "127.0.0.1", port, null); Statement s = c.createStatement()) {
            if (engine.equals("postgres")) {
                assertThat(single(s, "SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'"))
                        .isEqualTo(share / 4 / (1 << 20) * (1 << 20));
                assertThat(single(s, "SELECT setting::bigint FROM pg_settings WHERE name = 'max_connections'"))
                        .isEqualTo(tier.maxConnections());
            } else {
                // InnoDB rounds the pool to its chunk size: within one chunk (128 MiB) of half the share
                assertThat(single(s, "SELECT @@innodb_buffer_pool_size"))
                        .isBetween(share / 2 - (128L << 20), share / 2 + (128L << 20));
                assertThat(single(s, "SELECT @@max_connections")).isEqualTo(tier.maxConnections());
            }
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The errors connecting gives, the whole chain, or fails the test when it connects. */
    private static String refusal(String engine, String host, int port, String from) {
        try (Connection c = connect(engine, host, port, from)) {
            throw new AssertionError("connected to " + host + ":" + port + " from " + from);
        } catch (SQLException e) {
            StringBuilder all = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append(" / ");
            }
            return all.toString();
        }
    }

    private static Connection connect(String engine, String host, int port, String from) throws SQLException {
        String bind = from == null ? "" : "&localSocketAddress=" + from;
        if (engine.equals("postgres")) {
            return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres?connectTimeout=5"
                    + bind, ADMIN, PASSWORD);
        }
        return DriverManager.getConnection("jdbc:mariadb://" + host + ":" + port + "/app?createDatabaseIfNotExist=true&connectTimeout=5000" + bind,
                ADMIN, PASSWORD);
    }

    /** A change that restarts the server is refused (409) while a scheduled backup runs: try again, as a user would. */
    private static HindsightFixture.Result restarting(HindsightFixture hs, String... args) throws InterruptedException {
        HindsightFixture.Result r = hs.cli(args);
        for (int i = 0; i < 60 && r.exit() == ExitCodes.CONFLICT && r.err().contains("a backup of server"); i++) {
            Thread.sleep(1000);
            r = hs.cli(args);
        }
        return r;
    }
}
