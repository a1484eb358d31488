package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.engine.postgres.Lsn;
import dev.hindsight.engine.postgres.WalFile;
import dev.hindsight.jobs.PurgeExecutor;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The purge as the daemon runs it, with "now" a day ahead: the older full and the WAL before the
 * newer full go (catalog first, objects after), the earliest restore point moves to the newer
 * full, and every point from there on still restores.
 */
class PurgeEndToEndIT {
    static String checksum(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY id)) FROM items t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** 101 rows in a new table, two WAL switches (so the next full starts in a later segment), a full. */
    static JsonNode writeAcrossSegmentsThenBackUp(HindsightFixture hs, String server) throws Exception {
        try (Connection c = hs.connect(server); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items(id int PRIMARY KEY, note text)");
            s.execute("INSERT INTO items SELECT g, 'before the second full' FROM generate_series(1, 100) g");
            s.execute("SELECT pg_switch_wal()");
            s.execute("INSERT INTO items VALUES (1000, 'x')");
            s.execute("SELECT pg_switch_wal()");
        }
        return hs.cli("backup", "create", "--server", server, "--output", "json").ok().json();
    }

    private static SerialLoad.Quiet quiet(HindsightFixture hs, SerialLoad load) throws Exception {
        try (Connection c = hs.connect("busy")) {
            return load.quiet(c, PitrEndToEndIT::checksums, 1000, false);
        }
    }

    /** Creates a server kept for one day and returns the id of its first full once complete. */
    static String createWithOneDayRetention(HindsightFixture hs, String server) throws Exception {
        hs.cli("server", "create", "--name", server, "--backup-retention", "1").ok();
        hs.awaitBackups(server, HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        return hs.backups(server).get(0).path("id").asText();
    }

    @Test
    void purgeKeepsTheWindowAndDropsWhatItNoLongerNeeds() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            String first = createWithOneDayRetention(hs, "keep");
            Instant firstConsistent = Instant.parse(hs.backups("keep").get(0).path("consistentAt").asText());
            String expected;
            JsonNode second = writeAcrossSegmentsThenBackUp(hs, "keep");
            Instant secondConsistent = Instant.parse(second.path("consistentAt").asText());
            Lsn secondStart = Lsn.parse(second.path("startPosition").asText());
            try (Connection c = hs.connect("keep"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT g, 'after the second full' FROM generate_series(101, 200) g");
                expected = checksum(c);
            }
            Thread.sleep(1500);

            Repository repo = hs.daemon().repository();
            String serverId = hs.daemon().control().lookup().live("keep").id();
            repo.writeBytes(Layout.bundle(serverId, "20200101T000000Z-Fdead", 0, 0), new byte[]{1, 2, 3});

            PurgeExecutor.Outcome outcome = hs.daemon().control().retention().purge("keep",
                    secondConsistent.plus(Duration.ofDays(1)).plusSeconds(60));
            assertThat(outcome.backups()).isEqualTo(1);
            assertThat(outcome.walObjects()).isPositive();
            assertThat(outcome.leftovers()).as("the unreferenced bundle").isEqualTo(1);

            assertThat(hs.backups("keep").findValuesAsText("id")).doesNotContain(first)
                    .contains(second.path("id").asText());
            assertThat(repo.list(Layout.backupPrefix(serverId, first))).isEmpty();
            assertThat(repo.list(Layout.backupPrefix(serverId, "20200101T000000Z-Fdead"))).isEmpty();
            assertThat(repo.list(Layout.walPrefix(serverId)).stream().map(o -> WalFile.parse(o.key()))
                    .flatMap(Optional::stream).mapToLong(WalFile::segno).min().orElseThrow())
                    .isEqualTo(secondStart.segment());

            JsonNode show = hs.cli("server", "show", "--name", "keep", "--output", "json").ok().json();
            assertThat(Instant.parse(show.path("earliestRestorePoint").asText())).isEqualTo(secondConsistent);

            HindsightFixture.Result tooEarly = hs.cli("server", "restore", "--source-server", "keep", "--name",
                    "keep-early", "--restore-time",
                    firstConsistent.plus(Duration.between(firstConsistent, secondConsistent).dividedBy(2)).toString());
            assertThat(tooEarly.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(tooEarly.err()).contains("outside the restore window");

            hs.cli("server", "restore", "--source-server", "keep", "--name", "keep-latest", "--latest").ok();
            try (Connection r = hs.connect("keep-latest")) {
                assertThat(checksum(r)).isEqualTo(expected);
            }
            hs.cli("server", "restore", "--source-server", "keep", "--name", "keep-earliest", "--earliest").ok();
            try (Connection r = hs.connect("keep-earliest"); Statement s = r.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the second full's state").isEqualTo(101);
            }
        }
    }

    @Test
    void longTermRetentionKeepsAFullBeyondTheWindowAndItRestoresOnItsOwn() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            String first = createWithOneDayRetention(hs, "ltr");
            HindsightFixture.Result badPolicy = hs.cli("server", "ltr", "set", "--name", "ltr", "--yearly", "P11Y");
            assertThat(badPolicy.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(badPolicy.err()).contains("out of range");
            JsonNode set = hs.cli("server", "ltr", "set", "--name", "ltr", "--weekly", "P4W", "--monthly", "P12M",
                    "--output", "json").ok().json();
            assertThat(set.path("longTermRetention").path("weekly").asText()).isEqualTo("P28D");
            JsonNode held = hs.cli("backup", "list", "--server", "ltr", "--ltr", "--output", "json").ok().json();
            assertThat(held.findValuesAsText("id")).containsExactly(first);

            JsonNode second = writeAcrossSegmentsThenBackUp(hs, "ltr");
            Instant secondConsistent = Instant.parse(second.path("consistentAt").asText());
            PurgeExecutor.Outcome outcome = hs.daemon().control().retention().purge("ltr",
                    secondConsistent.plus(Duration.ofDays(1)).plusSeconds(60));
            assertThat(outcome.backups()).as("the held full stays").isZero();
            assertThat(outcome.walObjects()).as("WAL between the two fulls goes").isPositive();
            assertThat(hs.backups("ltr").findValuesAsText("id")).contains(first);
            JsonNode show = hs.cli("server", "show", "--name", "ltr", "--output", "json").ok().json();
            assertThat(Instant.parse(show.path("earliestRestorePoint").asText()))
                    .as("the window is what the log covers without a gap").isEqualTo(secondConsistent);

            hs.cli("server", "restore", "--source-server", "ltr", "--name", "ltr-from-ltr", "--from-ltr", first).ok();
            try (Connection r = hs.connect("ltr-from-ltr"); Statement s = r.createStatement();
                 ResultSet rs = s.executeQuery("SELECT to_regclass('items') IS NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("the first full predates the table").isTrue();
            }
        }
    }

    /**
     * Purge under load, with differentials: a writer commits all along, the purge runs (as if a
     * day later) while it does, the older full and its differential go, the newer full stays
     * because the anchor differential rests on it, and restores to quiet instants recorded on
     * either side of the newer backups and to the latest point hold exactly the data of then.
     */
    @Test
    void purgeUnderWriteLoadKeepsEveryPointOfTheNewWindowRestorable() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            String firstFull = createWithOneDayRetention(hs, "busy");
            try (Connection c = hs.connect("busy"); Statement s = c.createStatement()) {
                PitrEndToEndIT.createTablesIfMissing(s);
                s.execute("INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 50) g");
            }
            try (Connection writer = hs.connect("busy"); SerialLoad load = PitrEndToEndIT.load(writer)) {
                String oldDiff = hs.cli("backup", "create", "--server", "busy", "--type", "diff", "--output", "json")
                        .ok().json().path("id").asText();
                JsonNode full = hs.cli("backup", "create", "--server", "busy", "--output", "json").ok().json();
                SerialLoad.Quiet t1 = quiet(hs, load);
                JsonNode diff = hs.cli("backup", "create", "--server", "busy", "--type", "diff", "--output", "json")
                        .ok().json();
                assertThat(diff.path("baseBackupId").asText()).isEqualTo(full.path("id").asText());
                SerialLoad.Quiet t2 = quiet(hs, load);

                // a day after the newer full: it is the anchor, the window starts just after it
                Instant fullConsistent = Instant.parse(full.path("consistentAt").asText());
                PurgeExecutor.Outcome outcome = hs.daemon().control().retention().purge("busy",
                        fullConsistent.plus(Duration.ofDays(1)).plusSeconds(1));
                assertThat(outcome.backups()).as("the first full and its differential").isEqualTo(2);
                assertThat(hs.backups("busy").findValuesAsText("id")).doesNotContain(firstFull, oldDiff)
                        .contains(full.path("id").asText(), diff.path("id").asText());
                long committedDuringPurge = load.committed.get();
                JsonNode show = hs.cli("server", "show", "--name", "busy", "--output", "json").ok().json();
                assertThat(Instant.parse(show.path("earliestRestorePoint").asText())).isEqualTo(fullConsistent);

                String viaDiff = hs.cli("server", "restore", "--source-server", "busy", "--name", "busy-t2",
                        "--restore-time", t2.at().toString()).ok().out();
                assertThat(viaDiff).contains("from backup " + diff.path("id").asText());
                try (Connection r = hs.connect("busy-t2")) {
                    assertThat(PitrEndToEndIT.checksums(r)).isEqualTo(t2.checksums());
                }
                String viaFull = hs.cli("server", "restore", "--source-server", "busy", "--name", "busy-t1",
                        "--restore-time", t1.at().toString()).ok().out();
                assertThat(viaFull).contains("from backup " + full.path("id").asText());
                try (Connection r = hs.connect("busy-t1")) {
                    assertThat(PitrEndToEndIT.checksums(r)).isEqualTo(t1.checksums());
                }
                assertThat(load.committed.get()).as("the writer went on committing through purge and restores")
                        .isGreaterThan(committedDuringPurge);
            }
        }
    }
}
