package dev.hindsight.engine.postgres;

import dev.hindsight.testing.TestPostgres;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provisioning and lifecycle of a real PostgreSQL 15 cluster. */
class PgClusterIT {
    static TestPostgres pg;

    @BeforeAll
    static void up() {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void down() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void adminConnectsOverTcpAsSuperuser() throws SQLException {
        try (Connection c = pg.connect()) {
            assertThat(query(c, "SELECT current_user")).isEqualTo(TestPostgres.ADMIN);
            assertThat(query(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo("t");
            assertThat(query(c, "SELECT inet_server_addr()::text")).isEqualTo("127.0.0.1/32");
            assertThat(PgCluster.serverVersion(c)).isBetween(150000, 159999);
        }
        assertThat(pg.cluster().installation().majorVersion()).isEqualTo(15);
    }

    @Test
    void settingsAreAsWritten() {
        Map<String, String> expected = Map.of(
                "listen_addresses", "127.0.0.1",
                "port", Integer.toString(pg.port()),
                "unix_socket_directories", pg.cluster().runDir().toString(),
                "wal_level", "replica",
                "max_wal_senders", "10",
                "max_replication_slots", "10",
                "password_encryption", "scram-sha-256",
                "archive_mode", "off",
                "data_checksums", "on",
                "server_encoding", "UTF8");
        expected.forEach((name, value) -> assertThat(pg.queryString("SHOW " + name)).as(name).isEqualTo(value));
        assertThat(pg.queryString("SELECT datcollate FROM pg_database WHERE datname = 'postgres'")).isEqualTo("C.UTF-8");
        // the settings come from our file, not from defaults that happen to match
        assertThat(pg.queryString("SELECT sourcefile FROM pg_settings WHERE name = 'wal_level'"))
                .isEqualTo(pg.cluster().dataDir().resolve("hindsight.conf").toString());
    }

    @Test
    void hbaAllowsOnlyLocalScramAndReplicationOnlyForTheAgent() {
        assertThat(pg.queryLong("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")).isZero();
        assertThat(pg.queryLong("SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'")).isZero();
        assertThat(pg.queryLong("SELECT count(*) FROM pg_hba_file_rules WHERE type <> 'local'"
                + " AND address NOT IN ('127.0.0.1', '::1')")).isZero();
        assertThat(pg.queryString("SELECT string_agg(DISTINCT array_to_string(user_name, ','), ';')"
                + " FROM pg_hba_file_rules WHERE 'replication' = ANY(database)")).isEqualTo(TestPostgres.AGENT);
        // the admin may not stream WAL: there is no replication line for it
        assertThatThrownBy(() -> pg.cluster().connectReplication(TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD).close())
                .hasMessageContaining("no pg_hba.conf entry for replication connection");
        assertThatThrownBy(() -> pg.cluster().connect(TestPostgres.AGENT, "wrong", "postgres").close())
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void agentHasLeastPrivilegeButCanBackUpAndReplicate() throws SQLException {
        try (Connection agent = pg.connectAgent(); Statement st = agent.createStatement()) {
            assertThat(query(agent, "SELECT rolsuper::text || rolreplication::text || rolcreatedb::text || rolcreaterole::text"
                    + " FROM pg_roles WHERE rolname = current_user")).isEqualTo("falsetruefalsefalse");
            assertThat(query(agent, "SELECT pg_has_role('pg_monitor', 'MEMBER')")).isEqualTo("t");
            query(agent, "SELECT pg_backup_start('pg-cluster-it', true)");
            query(agent, "SELECT lsn FROM pg_backup_stop(true)");
            query(agent, "SELECT pg_create_restore_point('pg-cluster-it')");
            query(agent, "SELECT pg_switch_wal()");
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM pg_authid")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE DATABASE nope")).hasMessageContaining("permission denied");
        }
        long systemId;
        try (Connection admin = pg.connect()) {
            systemId = PgCluster.systemIdentifier(admin);
        }
        try (Connection repl = pg.connectReplication(); Statement st = repl.createStatement();
             ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("systemid")).isEqualTo(Long.toString(systemId));
            assertThat(rs.getInt("timeline")).isEqualTo(1);
        }
    }

    @Test
    void stopsAndStartsKeepingData() throws SQLException {
        pg.runSql("CREATE TABLE IF NOT EXISTS survives (v int)", "INSERT INTO survives VALUES (42)");
        PgCluster cluster = pg.cluster();
        assertThat(cluster.isRunning()).isTrue();
        cluster.stop();
        assertThat(cluster.isRunning()).isFalse();
        assertThatThrownBy(() -> pg.connect().close()).isInstanceOf(SQLException.class);
        cluster.stop(); // idempotent
        cluster.start(Duration.ofSeconds(60));
        assertThat(cluster.isRunning()).isTrue();
        cluster.waitAcceptingConnections(Duration.ofSeconds(10));
        assertThat(pg.queryLong("SELECT sum(v) FROM survives")).isEqualTo(42);
    }

    @Test
    void failedProvisioningCleansUpAndQuotesTheLog(@TempDir Path tmp) throws Exception {
        // same port as the running cluster: initdb works, start fails, the data dir must vanish
        Path root = Files.createTempDirectory(Path.of("/tmp"), "hindsight-pg-fail-");
        try {
            pg.cluster().osUser().giveOwnership(root);
            PgCluster clash = new PgCluster(pg.cluster().installation(), pg.cluster().osUser(),
                    root.resolve("data"), root.resolve("run"), pg.port());
            assertThatThrownBy(() -> clash.provision("a_admin", "x", "a_agent", "y"))
                    .isInstanceOf(HindsightException.class)
                    .hasMessageContaining("while starting the server")
                    .hasMessageContaining("already in use");
            assertThat(root.resolve("data")).doesNotExist();
            assertThat(clash.isRunning()).isFalse();
        } finally {
            dev.hindsight.util.FileTrees.deleteRecursively(root);
        }
    }

    @Test
    void provisionsBelowADirectoryOnlyRootCanEnter() throws Exception {
        PgCluster existing = pg.cluster();
        Assumptions.assumeTrue(existing.osUser().switchesUser(), "only meaningful when running as root");
        Path privateDir = Files.createTempDirectory(Path.of("/tmp"), "hindsight-private-"); // 0700 root
        try {
            PgCluster inside = new PgCluster(existing.installation(), existing.osUser(),
                    privateDir.resolve("srv/data"), privateDir.resolve("srv/run"), dev.hindsight.util.FreePort.find());
            inside.provision("p_admin", "pw1", "p_agent", "pw2");
            assertThat(inside.isRunning()).isTrue();
            inside.stop();
            String acl = dev.hindsight.util.Processes.run(java.util.List.of("getfacl", "-p", privateDir.toString()),
                    Duration.ofSeconds(10)).output();
            assertThat(acl).contains("user:" + existing.osUser().name() + ":--x");
        } finally {
            dev.hindsight.util.FileTrees.deleteRecursively(privateDir);
        }
    }

    @Test
    void refusesANonEmptyDataDirectory() {
        PgCluster again = new PgCluster(pg.cluster().installation(), pg.cluster().osUser(),
                pg.cluster().dataDir(), pg.cluster().runDir(), pg.port());
        assertThatThrownBy(() -> again.provision("a_admin", "x", "a_agent", "y"))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("already exists and is not empty")
                .satisfies(e -> assertThat(((HindsightException) e).kind()).isEqualTo(HindsightException.Kind.CONFLICT));
        assertThat(pg.cluster().isRunning()).isTrue(); // and nothing of the real cluster was touched
    }

    @Test
    void missingBinariesGiveAnActionableError(@TempDir Path empty) {
        assertThatThrownBy(() -> PgInstallation.locate(Map.of(), empty))
                .isInstanceOf(HindsightException.class)
                .hasMessage("PostgreSQL is not installed (no initdb under " + empty + "/*/bin)")
                .satisfies(e -> {
                    HindsightException he = (HindsightException) e;
                    assertThat(he.kind()).isEqualTo(HindsightException.Kind.UNAVAILABLE);
                    assertThat(he.hint()).isEqualTo("run scripts/setup, or apt-get install postgresql-15");
                });
        assertThatThrownBy(() -> PgInstallation.locate(Map.of(PgInstallation.ENV_BIN, empty.toString()), empty))
                .hasMessageContaining("no initdb there");
        assertThat(PgInstallation.locate(Map.of(), PgInstallation.DEBIAN_ROOT).binDir())
                .isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
