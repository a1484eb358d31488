package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every engine does alike, through the CLI and the daemon, on one server of the engine made
 * by {@code server create} (its first full backup taken, its log captured): a restore to a time
 * under a write load proves the data (checksums at T, damage after T, restore to T, compare), a
 * differential restores with its full, --latest holds what was committed a second ago, --earliest
 * predates every table, bad targets create nothing, and a server crash leaves no gap in the log.
 * A subclass supplies the engine's SQL dialect and keeps the tests particular to its engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EngineContract {
    HindsightFixture hs;
    private final String engine;
    private final String server;
    private final String uriPrefix;
    private final String accessNote;

    /**
     * @param engine     the engine's name, as {@code --engine} takes it
     * @param server     the server the tests work on
     * @param uriPrefix  what the admin login's connection URI starts with
     * @param accessNote a phrase of the engine's note on what a restored server keeps of its source's client access
     */
    EngineContract(String engine, String server, String uriPrefix, String accessNote) {
        this.engine = engine;
        this.server = server;
        this.uriPrefix = uriPrefix;
        this.accessNote = accessNote;
    }

    String server() {
        return server;
    }

    /**
     * The load tables, if missing: {@code accounts} (ids 1 to 50, balance 0) and {@code orders}
     * (id generated, customer, amount).
     */
    abstract void createLoadTablesIfMissing(Statement s) throws SQLException;

    /** Orders inserted and accounts updated, one transaction after the other. */
    abstract SerialLoad loadOn(Connection c) throws SQLException;

    /** Whether the engine's log keeps commit times to the second only (a target needs a second of its own). */
    abstract boolean logKeepsWholeSeconds();

    /** A checksum and the row count of every table of the admin login's database. */
    abstract Map<String, String> checksumsOf(Connection c) throws SQLException;

    /** A table expression of the integers {@code from} to {@code to}, as column {@code n}. */
    abstract String numbers(int from, int to);

    abstract boolean hasTable(Connection c, String table) throws SQLException;

    /** Where the server's log ends now, as the engine writes positions. */
    abstract String logEnd(Connection c) throws SQLException;

    /** Whether log position {@code held} is at or past {@code end} (both as the engine writes them). */
    abstract boolean reaches(String held, String end);

    /** The process id of the server's postmaster or mariadbd, from its pid file under its directory. */
    abstract long serverPid(Path serverDir) throws java.io.IOException;

    @BeforeAll
    void start() throws Exception {
        hs = new HindsightFixture();
        hs.cli("server", "create", "--name", server(), "--engine", engine, "--admin-user", "app",
                "--admin-password", "s3cret-pw", "--output", "json").ok();
        hs.awaitBackups(server(), HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        try (Connection c = hs.connect(server()); Statement s = c.createStatement()) {
            createLoadTablesIfMissing(s); // after the first full: --earliest predates every table
        }
    }

    @AfterAll
    void stop() throws Exception {
        hs.close();
    }

    @Test
    void restoreToTimeUnderLoadProvesTheData() throws Exception {
        Map<String, String> atT;
        Instant t;
        try (Connection c = hs.connect(server()); Connection loadConn = hs.connect(server())) {
            try (Statement s = c.createStatement()) {
                createLoadTablesIfMissing(s);
            }
            try (SerialLoad load = loadOn(loadConn)) {
                Thread.sleep(3000);
                SerialLoad.Quiet quiet = load.quiet(c, this::checksumsOf, logKeepsWholeSeconds() ? 0 : 20,
                        logKeepsWholeSeconds());
                atT = quiet.checksums();
                t = quiet.at();
                Thread.sleep(1500);
                assertThat(load.committed.get()).as("the load ran").isGreaterThan(100);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE orders");
                s.execute("UPDATE accounts SET balance = -1");
            }
        }
        assertThat(atT).containsKeys("accounts", "orders");
        Thread.sleep(2500);
        HindsightFixture.Result restored = hs.cli("server", "restore", "--source-server", server(), "--name",
                server() + "-at-t", "--restore-time", t.toString(), "--check").ok();
        assertThat(restored.out()).contains(uriPrefix).contains(accessNote).contains("Integrity check passed");
        try (Connection r = hs.connect(server() + "-at-t")) {
            assertThat(checksumsOf(r)).isEqualTo(atT);
        }
        JsonNode show = hs.cli("server", "show", "--name", server() + "-at-t", "--output", "json").ok().json();
        assertThat(show.path("state").asText()).isEqualTo("running");
        assertThat(show.path("engine").asText()).isEqualTo(engine);
        assertThat(show.path("restoredFrom").asText()).isEqualTo(server());
        try (Connection source = hs.connect(server())) {
            assertThat(hasTable(source, "orders")).as("the source is untouched by the restore").isFalse();
        }
        hs.cli("server", "delete", "--name", server() + "-at-t").ok();
    }

    @Test
    void aDifferentialRestoresWithItsFullAndTheLatestHoldsWhatWasCommittedASecondAgo() throws Exception {
        try (Connection c = hs.connect(server()); Statement s = c.createStatement()) {
            refill(s, "bulk(id INT PRIMARY KEY, v VARCHAR(100))", "SELECT n, REPEAT('b', 90) FROM " + numbers(1, 20000));
        }
        JsonNode diff = hs.cli("backup", "create", "--server", server(), "--type", "diff", "--output", "json").ok()
                .json();
        assertThat(diff.path("kind").asText()).isEqualToIgnoringCase("diff");
        Map<String, String> latest;
        try (Connection c = hs.connect(server()); Statement s = c.createStatement()) {
            s.execute("UPDATE bulk SET v = 'changed after the differential' WHERE id % 7 = 0");
            latest = checksumsOf(c);
        }
        Thread.sleep(1500);
        hs.cli("server", "restore", "--source-server", server(), "--name", server() + "-latest", "--latest").ok();
        try (Connection r = hs.connect(server() + "-latest")) {
            assertThat(checksumsOf(r)).isEqualTo(latest);
        }
        hs.cli("server", "delete", "--name", server() + "-latest").ok();
    }

    @Test
    void earliestIsTheFirstFullBeforeAnyTable() throws Exception {
        hs.cli("server", "restore", "--source-server", server(), "--name", server() + "-earliest", "--earliest").ok();
        try (Connection r = hs.connect(server() + "-earliest")) {
            assertThat(hasTable(r, "accounts")).as("the first backup was taken before any table existed").isFalse();
        }
        hs.cli("server", "delete", "--name", server() + "-earliest").ok();
    }

    @Test
    void badRestoreTargetsAreRefusedAndCreateNothing() {
        HindsightFixture.Result future = hs.cli("server", "restore", "--source-server", server(), "--name",
                server() + "-x", "--restore-time", Instant.now().plusSeconds(3600).toString());
        assertThat(future.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(future.err()).contains("is in the future");
        HindsightFixture.Result before = hs.cli("server", "restore", "--source-server", server(), "--name",
                server() + "-x", "--restore-time", "2020-01-01T00:00:00Z");
        assertThat(before.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(before.err()).contains("outside the restore window").contains("earliest");
        HindsightFixture.Result none = hs.cli("server", "restore", "--source-server", server(), "--name",
                server() + "-x");
        assertThat(none.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(none.err()).contains("exactly one restore target");
        assertThat(hs.cli("server", "show", "--name", server() + "-x").exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    /**
     * kill -9 the server while it is written to: the supervisor starts it again, the log capture
     * reconnects (with backoff) and the latest point moves past the restart, and a latest restore
     * holds every commit from both sides of the crash.
     */
    @Test
    void aServerCrashIsStartedAgainAndLeavesNoGapInTheLog() throws Exception {
        try (Connection c = hs.connect(server()); Statement s = c.createStatement()) {
            refill(s, "crashes(id INT PRIMARY KEY, side VARCHAR(10))", "SELECT n, 'before' FROM " + numbers(1, 500));
        }
        Thread.sleep(1500);
        String id = hs.cli("server", "show", "--name", server(), "--output", "json").ok().json().path("id").asText();
        Path serverDir = hs.home.resolve("servers").resolve(server() + "-" + id);
        assertThat(serverDir).isDirectory();
        long pid = serverPid(serverDir);
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
        Instant deadline = Instant.now().plusSeconds(60);
        Map<String, String> expected = null;
        String end = null;
        while (expected == null) {
            try (Connection c = hs.connect(server()); Statement s = c.createStatement()) {
                s.execute("DELETE FROM crashes WHERE side = 'after'"); // a try cut off after its insert
                s.execute("INSERT INTO crashes SELECT n, 'after' FROM " + numbers(501, 800));
                expected = checksumsOf(c);
                end = logEnd(c);
            } catch (SQLException e) {
                assertThat(Instant.now()).as("the supervisor starts the server again").isBefore(deadline);
                Thread.sleep(500);
            }
        }
        assertThat(serverPid(serverDir)).as("a new server process").isNotEqualTo(pid);
        Instant written = Instant.now();
        while (true) {
            JsonNode show = hs.cli("server", "show", "--name", server(), "--output", "json").ok().json();
            String latest = show.path("latestRestorePoint").asText("");
            String held = show.path("logCapturePosition").asText("");
            // the latest point alone is not enough: while the capture catches up a backlog, the
            // newest stored log can have become durable after writes it does not hold yet
            if (!latest.isEmpty() && Instant.parse(latest).isAfter(written) && !held.isEmpty() && reaches(held, end)) {
                break;
            }
            assertThat(Instant.now()).as("log capture back within a minute: " + show).isBefore(deadline.plusSeconds(60));
            Thread.sleep(200);
        }
        hs.cli("server", "restore", "--source-server", server(), "--name", server() + "-crash", "--latest").ok();
        try (Connection r = hs.connect(server() + "-crash")) {
            assertThat(checksumsOf(r)).isEqualTo(expected);
        }
        hs.cli("server", "delete", "--name", server() + "-crash").ok();
    }

    /** Makes the table if it is missing and gives it exactly the rows {@code select} returns. */
    /**
     * A deleted server restores to any point of its window, the moment of deletion included: its
     * final log backup holds the commit made just before the delete, with no pause between them.
     */
    @Test
    void aDeletedServerRestoresToAPointAndToItsLastCommitFromItsFinalLogBackup() throws Exception {
        String gone = server() + "-gone";
        hs.cli("server", "create", "--name", gone, "--engine", engine, "--admin-user", "app",
                "--admin-password", "s3cret-pw").ok();
        hs.awaitBackups(gone, HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        Map<String, String> atT;
        Map<String, String> last;
        Instant t;
        try (Connection c = hs.connect(gone); Statement s = c.createStatement()) {
            createLoadTablesIfMissing(s);
            s.execute("INSERT INTO orders(customer, amount) SELECT n % 7, n FROM " + numbers(1, 300));
            atT = checksumsOf(c);
            Thread.sleep(1200);
            t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Thread.sleep(1200);
            s.execute("DELETE FROM orders WHERE amount > 100");
            s.execute("UPDATE accounts SET balance = 7 WHERE id < 10");
            last = checksumsOf(c);
        }
        assertThat(last).isNotEqualTo(atT);
        JsonNode deleted = hs.cli("server", "delete", "--name", gone, "--output", "json").ok().json();
        assertThat(deleted.path("finalLogAt").asText()).isNotEmpty();
        assertThat(deleted.path("note").asText()).contains("final log backup taken");
        assertThat(hs.cli("server", "show", "--name", gone).exit()).isEqualTo(ExitCodes.NOT_FOUND);

        assertThat(hs.cli("server", "list", "--deleted").ok().out()).contains(gone).contains("yes");
        JsonNode shown = hs.cli("server", "show-deleted", "--name", gone, "--output", "json").ok().json();
        assertThat(shown.path("finalLogBackup").asBoolean()).isTrue();
        assertThat(Instant.parse(shown.path("latestRestorePoint").asText())).as("the final log backup, or the log"
                + " it stored if that reaches later").isAfterOrEqualTo(Instant.parse(deleted.path("finalLogAt").asText()))
                .isBeforeOrEqualTo(Instant.parse(shown.path("deletedAt").asText()));
        assertThat(Instant.parse(shown.path("windowEndsAt").asText()))
                .isEqualTo(Instant.parse(shown.path("deletedAt").asText()).plus(Duration.ofDays(7)));

        // its last commit, taken by the final log backup alone, and a point before the damage
        hs.cli("server", "restore", "--source-server", gone, "--deleted", "--latest", "--name", gone + "-last").ok();
        try (Connection r = hs.connect(gone + "-last")) {
            assertThat(checksumsOf(r)).isEqualTo(last);
        }
        hs.cli("server", "restore", "--source-server", gone, "--deleted", "--restore-time", t.toString(),
                "--name", gone + "-at-t").ok();
        try (Connection r = hs.connect(gone + "-at-t")) {
            assertThat(checksumsOf(r)).isEqualTo(atT);
        }

        // what cannot be: a live name as a deleted one, a deletion time it does not have, a point after the deletion
        assertThat(hs.cli("server", "restore", "--source-server", server(), "--deleted", "--latest", "--name",
                gone + "-x").err()).contains("no deleted server named " + server());
        assertThat(hs.cli("server", "restore", "--source-server", gone, "--deleted-at", "2020-01-01T00:00:00Z",
                "--latest", "--name", gone + "-x").err()).contains("was deleted at " + shown.path("deletedAt").asText());
        HindsightFixture.Result after = hs.cli("server", "restore", "--source-server", gone, "--deleted",
                "--restore-time", Instant.now().minusMillis(200).toString(), "--name", gone + "-x");
        assertThat(after.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(after.err()).contains("outside the restore window");
        assertThat(hs.cli("server", "show", "--name", gone + "-x").exit()).isEqualTo(ExitCodes.NOT_FOUND);
        hs.cli("server", "delete", "--name", gone + "-last").ok();
        hs.cli("server", "delete", "--name", gone + "-at-t").ok();
    }

    private static void refill(Statement s, String tableAndColumns, String select) throws SQLException {
        String table = tableAndColumns.substring(0, tableAndColumns.indexOf('('));
        s.execute("CREATE TABLE IF NOT EXISTS " + tableAndColumns);
        s.execute("DELETE FROM " + table);
        s.execute("INSERT INTO " + table + " " + select);
    }
}
