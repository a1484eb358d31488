package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay budget: a server under steady writes gets differentials because the log since its
 * newest backup would take longer than its budget to replay, whatever its schedule (12 h here);
 * backup list says why; a restore to a point between two of them starts from the older one,
 * replays only the log after it, and holds the data of that point.
 */
class ReplayBudgetIT {
    @Test
    void aServerUnderLoadGetsDifferentialsFromItsBudgetAndARestoreStartsFromTheNewestBefore() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "budget", "--max-replay", "1s").ok();
            hs.awaitBackups("budget", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            JsonNode shown = hs.cli("server", "show", "--name", "budget", "--output", "json").ok().json();
            assertThat(shown.path("maxReplay").asText()).isEqualTo("PT1S");
            try (Connection c = hs.connect("budget"); Statement s = c.createStatement()) {
                // updates in place (HOT, room left on each page) and no autovacuum passes over the whole
                // table: the writes below change few pages, so what the budget asks for stays a
                // differential rather than a full (more than half the data changed)
                s.execute("CREATE TABLE items(id int PRIMARY KEY, note text)"
                        + " WITH (fillfactor = 50, autovacuum_enabled = off)");
                // ~270 MB of WAL: beyond the 1 s the budget allows at the 48 MiB/s it assumes; every page
                // is new, so what the budget asks for becomes a full
                s.execute("INSERT INTO items SELECT g, repeat('x', 120) FROM generate_series(1, 600000) g");
            }
            awaitBudgetBackup(hs, Instant.EPOCH, "FULL");
            try (Connection c = hs.connect("budget"); Statement s = c.createStatement()) {
                s.execute("VACUUM items"); // hint bits and the visibility map now, not at the first read later
            }
            fullBackupNow(hs); // a base for the differentials below, with every page as the vacuum left it
            // steady writes on a tenth of the table: ~70 MB of WAL, the same few pages changed, a differential
            Instant beforeUpdates = Instant.now();
            updateTheFirstTenth(hs, "before T");
            awaitBudgetBackup(hs, beforeUpdates, "DIFF");

            String atT;
            try (Connection c = hs.connect("budget"); Statement s = c.createStatement()) {
                s.execute("UPDATE items SET note = 'at T' WHERE id % 1000 = 0");
                atT = PurgeEndToEndIT.checksum(c);
            }
            Thread.sleep(1100);
            Instant t = Instant.now();
            Thread.sleep(1100);
            updateTheFirstTenth(hs, "after T"); // the damage after T, and the next budget's log
            awaitBudgetBackup(hs, t, "DIFF");
            JsonNode first = null; // the newest backup before T: the budget's (the load came after the full)
            for (JsonNode b : hs.backups("budget")) {
                if ("COMPLETED".equals(b.path("status").asText())
                        && !Instant.parse(b.path("consistentAt").asText()).isAfter(t) && (first == null
                        || b.path("consistentAt").asText().compareTo(first.path("consistentAt").asText()) > 0)) {
                    first = b;
                }
            }
            assertThat(first.path("reason").asText()).contains("replay budget");

            JsonNode restored = hs.cli("server", "restore", "--source-server", "budget", "--name", "budget-at-t",
                    "--restore-time", t.toString(), "--output", "json").ok().json();
            assertThat(restored.path("backupId").asText()).as("the newest backup before T")
                    .isEqualTo(first.path("id").asText());
            try (Connection r = hs.connect("budget-at-t")) {
                assertThat(PurgeEndToEndIT.checksum(r)).isEqualTo(atT);
            }
            assertThat(hs.cli("backup", "list", "--server", "budget").ok().out()).contains("replay budget");
        }
    }

    /** A full backup, retried while one the budget started is still running. */
    private static void fullBackupNow(HindsightFixture hs) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            HindsightFixture.Result r = hs.cli("backup", "create", "--server", "budget", "--type", "full");
            if (r.exit() == ExitCodes.OK || Instant.now().isAfter(deadline)) {
                r.ok();
                return;
            }
            Thread.sleep(1000);
        }
    }

    private static void updateTheFirstTenth(HindsightFixture hs, String note) throws Exception {
        try (Connection c = hs.connect("budget"); Statement s = c.createStatement()) {
            for (int round = 0; round < 6; round++) {
                s.execute("UPDATE items SET note = '" + note + " " + round + "' || repeat('z', 100) WHERE id <= 60000");
            }
        }
    }

    /** Waits for a completed backup of {@code kind} the budget asked for, consistent after {@code after}. */
    private static void awaitBudgetBackup(HindsightFixture hs, Instant after, String kind) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode b : hs.backups("budget")) {
                if (kind.equals(b.path("kind").asText()) && "COMPLETED".equals(b.path("status").asText())
                        && b.path("reason").asText().contains("replay budget")
                        && Instant.parse(b.path("consistentAt").asText()).isAfter(after)) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no " + kind + " backup for the replay budget after " + after + " in 90 s: "
                + hs.backups("budget"));
    }
}
