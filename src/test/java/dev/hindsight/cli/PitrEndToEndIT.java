package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
 * PostgreSQL through the CLI and the daemon: the engine contract, and what is particular to
 * PostgreSQL servers (create errors, show, update, usage, delete, offline restore to pg_ctl).
 */
class PitrEndToEndIT extends EngineContract {
    PitrEndToEndIT() {
        super("postgres", "prod", "postgresql://app:s3cret-pw@127.0.0.1:", "pg_hba.conf) were not restored");
    }

    @Override
    void createLoadTablesIfMissing(Statement s) throws SQLException {
        createTablesIfMissing(s);
        s.execute("INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 50) g ON CONFLICT DO NOTHING");
    }

    @Override
    SerialLoad loadOn(Connection c) {
        return load(c);
    }

    @Override
    boolean logKeepsWholeSeconds() {
        return false;
    }

    /** Every table of the public schema (each has an id): its row count and the md5 of its rows in id order. */
    @Override
    Map<String, String> checksumsOf(Connection c) throws SQLException {
        java.util.List<String> tables = new java.util.ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return checksums(c, tables.toArray(String[]::new));
    }

    @Override
    String numbers(int from, int to) {
        return "generate_series(" + from + ", " + to + ") AS s(n)";
    }

    @Override
    boolean hasTable(Connection c, String table) throws SQLException {
        return tableExists(c, table);
    }

    @Override
    String logEnd(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    boolean reaches(String held, String end) {
        return !dev.hindsight.engine.postgres.Lsn.parse(held).isBefore(dev.hindsight.engine.postgres.Lsn.parse(end));
    }

    @Override
    long serverPid(java.nio.file.Path serverDir) throws java.io.IOException {
        return Long.parseLong(java.nio.file.Files.readAllLines(serverDir.resolve("data/postmaster.pid")).get(0).strip());
    }

    /** Orders inserted and accounts updated, one transaction after the other. */
    static SerialLoad load(Connection c) {
        return new SerialLoad(c, (s, i) -> {
            s.execute("INSERT INTO orders(customer, amount) VALUES (" + (i % 97) + ", " + i + ")");
            s.execute("UPDATE accounts SET balance = balance + 1 WHERE id = " + (i % 50 + 1));
        });
    }

    /** The tables {@link #load} writes: their row counts and the md5 of their rows in id order. */
    static Map<String, String> checksums(Connection c) throws SQLException {
        return checksums(c, "accounts", "orders");
    }

    static Map<String, String> checksums(Connection c, String... tables) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ','"
                        + " ORDER BY id)), '') FROM " + table + " t")) {
                    rs.next();
                    out.put(table, rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The tables {@link #load} writes: 50 accounts at balance 0, no orders. */
    static void createLoadTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts(id int PRIMARY KEY, balance bigint)");
            s.execute("INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 50) g");
            s.execute("CREATE TABLE orders(id bigserial PRIMARY KEY, customer int, amount bigint)");
        }
    }

    static void createTablesIfMissing(Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS accounts(id int PRIMARY KEY, balance bigint)");
        s.execute("CREATE TABLE IF NOT EXISTS orders(id bigserial PRIMARY KEY, customer int, amount bigint)");
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * A target in a quiet moment, the damage long after it: the staged WAL holds no transaction
     * that ended after the target, and the restore must still land exactly on it.
     */
    @Test
    void restoreToAQuietMomentLongBeforeTheDamage() throws Exception {
        Map<String, String> atT;
        try (Connection c = hs.connect("prod"); Statement s = c.createStatement()) {
            createTablesIfMissing(s);
            s.execute("INSERT INTO orders(customer, amount) SELECT g, -g FROM generate_series(1, 500) g");
            atT = checksums(c);
        }
        Thread.sleep(1000);
        Instant t = Instant.now();
        Thread.sleep(5000);
        try (Connection c = hs.connect("prod"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM orders WHERE amount < 0");
        }
        Thread.sleep(1500);
        hs.cli("server", "restore", "--source-server", "prod", "--name", "prod-quiet", "--restore-time",
                t.toString()).ok();
        try (Connection r = hs.connect("prod-quiet")) {
            assertThat(checksums(r)).isEqualTo(atT);
        }
    }

    @Test
    void createErrorsAreClearAndLeaveNothingBehind() throws Exception {
        HindsightFixture.Result badName = hs.cli("server", "create", "--name", "Bad_Name");
        assertThat(badName.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(badName.err()).contains("invalid server name").contains("hint:");
        HindsightFixture.Result taken = hs.cli("server", "create", "--name", "prod");
        assertThat(taken.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(taken.err()).contains("already exists");
        HindsightFixture.Result retention = hs.cli("server", "create", "--name", "other", "--backup-retention", "36");
        assertThat(retention.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(retention.err()).contains("between 1 and 35");
        assertThat(hs.cli("server", "create", "--name", "zero", "--backup-retention", "0").exit())
                .isEqualTo(ExitCodes.INVALID);
        JsonNode list = hs.cli("server", "list", "--output", "json").ok().json();
        assertThat(list.findValuesAsText("name")).doesNotContain("other", "zero", "Bad_Name");
        assertThat(java.nio.file.Files.list(hs.home.resolve("servers")).map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("other") || n.startsWith("zero"))).isEmpty();
    }

    @Test
    void showReportsTheWindowAndTheConnectionStringWorks() throws Exception {
        JsonNode show = hs.cli("server", "show", "--name", "prod", "--output", "json").ok().json();
        assertThat(show.path("engine").asText()).isEqualTo("postgres");
        assertThat(show.path("version").asText()).startsWith("15");
        assertThat(show.path("backupRetentionDays").asInt()).isEqualTo(7);
        Instant earliest = Instant.parse(show.path("earliestRestorePoint").asText());
        Instant latest = Instant.parse(show.path("latestRestorePoint").asText());
        assertThat(earliest).isBefore(latest);
        assertThat(Duration.between(latest, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(show.path("lastFullBackupId").asText()).isNotBlank();
        try (Connection c = hs.connect("prod"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("app");
        }
    }

    @Test
    void updateChangesRetentionAndABadValueChangesNothing() {
        JsonNode updated = hs.cli("server", "update", "--name", "prod", "--backup-retention", "14", "--output", "json")
                .ok().json();
        assertThat(updated.path("backupRetentionDays").asInt()).isEqualTo(14);
        for (String bad : new String[]{"0", "36"}) {
            HindsightFixture.Result refused = hs.cli("server", "update", "--name", "prod", "--backup-retention", bad);
            assertThat(refused.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(refused.err()).contains("out of range").contains("between 1 and 35");
        }
        HindsightFixture.Result badInterval = hs.cli("server", "update", "--name", "prod", "--backup-retention", "9",
                "--full-interval", "1s");
        assertThat(badInterval.exit()).isEqualTo(ExitCodes.INVALID);
        JsonNode show = hs.cli("server", "show", "--name", "prod", "--output", "json").ok().json();
        assertThat(show.path("backupRetentionDays").asInt()).as("nothing changed by refused updates").isEqualTo(14);
        hs.cli("server", "update", "--name", "prod", "--backup-retention", "7").ok();
    }

    @Test
    void usageMatchesTheRepositorysRealObjectSizes() throws Exception {
        String id = hs.cli("server", "show", "--name", "prod", "--output", "json").ok().json().path("id").asText();
        java.nio.file.Path dir = hs.home.resolve("repository/servers/" + id);
        for (int attempt = 0; ; attempt++) {
            JsonNode usage = hs.cli("server", "usage", "--name", "prod", "--output", "json").ok().json();
            long onDisk;
            try (var files = java.nio.file.Files.walk(dir)) {
                onDisk = files.filter(java.nio.file.Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().startsWith(".tmp-"))
                        .mapToLong(f -> f.toFile().length()).sum();
            }
            JsonNode again = hs.cli("server", "usage", "--name", "prod", "--output", "json").ok().json();
            if (usage.path("totalStoredBytes").asLong() != again.path("totalStoredBytes").asLong()) {
                assertThat(attempt).as("WAL kept changing under the measurement").isLessThan(10);
                continue; // a WAL piece was written or dropped meanwhile: measure again
            }
            assertThat(usage.path("totalStoredBytes").asLong()).isEqualTo(onDisk);
            assertThat(usage.path("full").path("count").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(usage.path("full").path("logicalBytes").asLong())
                    .isGreaterThan(usage.path("full").path("storedBytes").asLong());
            assertThat(usage.path("log").path("storedBytes").asLong()).isPositive();
            assertThat(usage.path("compressionRatio").asDouble()).isGreaterThan(1.0);
            assertThat(usage.path("allowanceBytes").asLong()).isEqualTo(1L << 30);
            assertThat(usage.path("billableBytes").asLong()).isZero();
            break;
        }
        assertThat(hs.cli("server", "usage", "--name", "prod").ok().out()).contains("billable:").contains("full");
    }

    @Test
    void deleteRemovesTheServerButKeepsItsBackups() throws Exception {
        hs.cli("server", "create", "--name", "short-lived").ok();
        hs.awaitBackups("short-lived", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        hs.cli("server", "delete", "--name", "short-lived").ok();
        assertThat(hs.cli("server", "show", "--name", "short-lived").exit()).isEqualTo(ExitCodes.NOT_FOUND);
        try (var dirs = java.nio.file.Files.list(hs.home.resolve("servers"))) {
            assertThat(dirs.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("short-lived"));
        }
        try (var backups = java.nio.file.Files.walk(hs.home.resolve("repository/servers"))) {
            assertThat(backups.filter(p -> p.getFileName().toString().equals("manifest")).count())
                    .as("manifests of every server, the deleted one included").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void offlineRestoreFromTheRepositoryAloneGivesAStartableDataDirectory() throws Exception {
        Map<String, String> expected;
        try (Connection c = hs.connect("prod"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS dr_check(id int PRIMARY KEY, note text)");
            s.execute("INSERT INTO dr_check VALUES (1, 'survives the disaster') ON CONFLICT DO NOTHING");
            expected = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY id)) FROM dr_check t")) {
                rs.next();
                expected.put("dr_check", rs.getString(1));
            }
        }
        Thread.sleep(2000);
        java.nio.file.Path target = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("/tmp"), "dr-")
                .resolve("data");
        java.nio.file.Path sockets = target.getParent().resolve("run");
        int port = dev.hindsight.util.FreePort.find();
        HindsightFixture.Result wrongKey = hs.cliWithPassphrase("wrong passphrase", "restore", "--repository",
                hs.home.resolve("repository").toString(), "--server", "prod", "--latest", "--target-dir", target.toString());
        assertThat(wrongKey.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(wrongKey.err()).contains("passphrase does not unlock");
        assertThat(target).doesNotExist();
        hs.cli("restore", "--repository", hs.home.resolve("repository").toString(), "--server", "prod", "--latest",
                "--target-dir", target.toString(), "--port", Integer.toString(port), "--socket-dir", sockets.toString()).ok();
        HindsightFixture.startOfflineRestored(target, sockets, port, "app", "s3cret-pw", r -> {
            try (Statement s = r.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) || ':' || "
                    + "md5(string_agg(t::text, ',' ORDER BY id)) FROM dr_check t")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(expected.get("dr_check"));
            }
        });
    }
}
