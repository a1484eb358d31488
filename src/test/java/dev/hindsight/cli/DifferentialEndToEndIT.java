package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differentials through the CLI and the daemon: taken on demand against the server's full,
 * listed with their base, used by a point-in-time restore that proves the data, and the
 * settings that schedule them, with the errors bad values get.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DifferentialEndToEndIT {
    HindsightFixture hs;
    String firstFull;

    @BeforeAll
    void start() throws Exception {
        hs = new HindsightFixture();
        JsonNode created = hs.cli("server", "create", "--name", "prod", "--admin-user", "app", "--admin-password",
                "s3cret-pw", "--output", "json").ok().json();
        assertThat(created.path("fullBackupInterval").asText()).as("weekly fulls by default").isEqualTo("PT168H");
        assertThat(created.path("diffBackupInterval").asText()).as("differentials every 12 h").isEqualTo("PT12H");
        hs.awaitBackups("prod", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        firstFull = hs.backups("prod").get(0).path("id").asText();
    }

    @AfterAll
    void stop() throws Exception {
        hs.close();
    }

    @Test
    void aDifferentialIsTakenAgainstTheFullAndARestoreToATimeAfterItUsesIt() throws Exception {
        try (Connection c = hs.connect("prod"); Statement s = c.createStatement()) {
            PitrEndToEndIT.createTablesIfMissing(s);
            s.execute("INSERT INTO accounts SELECT g, g % 1000 FROM generate_series(1, 20000) g");
            s.execute("INSERT INTO orders(customer, amount) SELECT g % 97, g FROM generate_series(1, 20000) g");
        }
        JsonNode diff = hs.cli("backup", "create", "--server", "prod", "--type", "diff", "--output", "json").ok().json();
        assertThat(diff.path("kind").asText()).isEqualTo("DIFF");
        assertThat(diff.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(diff.path("baseBackupId").asText()).isEqualTo(firstFull);
        JsonNode full = backup(firstFull);
        assertThat(diff.path("storedBytes").asLong()).as("a differential stores what changed, not the full again")
                .isLessThan(full.path("storedBytes").asLong());

        Map<String, String> atT;
        try (Connection c = hs.connect("prod"); Statement s = c.createStatement()) {
            s.execute("UPDATE accounts SET balance = balance + 1 WHERE id <= 100");
            atT = PitrEndToEndIT.checksums(c);
        }
        Thread.sleep(1000);
        Instant t = Instant.now();
        Thread.sleep(2000);
        try (Connection c = hs.connect("prod"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM orders WHERE id % 3 = 0");
            s.execute("UPDATE accounts SET balance = -1");
        }
        Thread.sleep(1500);
        String out = hs.cli("server", "restore", "--source-server", "prod", "--name", "prod-at-t", "--restore-time",
                t.toString()).ok().out();
        assertThat(out).contains("from backup " + diff.path("id").asText());
        try (Connection r = hs.connect("prod-at-t")) {
            assertThat(PitrEndToEndIT.checksums(r)).isEqualTo(atT);
        }
        // the restored server runs on a new timeline: its own differentials and restores work there too
        hs.awaitBackups("prod-at-t", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        Map<String, String> onTimeline2;
        try (Connection c = hs.connect("prod-at-t"); Statement s = c.createStatement()) {
            s.execute("UPDATE accounts SET balance = balance * 2 WHERE id % 10 = 0");
            onTimeline2 = PitrEndToEndIT.checksums(c);
        }
        JsonNode diff2 = hs.cli("backup", "create", "--server", "prod-at-t", "--type", "diff", "--output", "json")
                .ok().json();
        assertThat(diff2.path("kind").asText()).isEqualTo("DIFF");
        Thread.sleep(1500);
        String again = hs.cli("server", "restore", "--source-server", "prod-at-t", "--name", "prod-again",
                "--latest").ok().out();
        assertThat(again).contains("from backup " + diff2.path("id").asText());
        try (Connection r = hs.connect("prod-again")) {
            assertThat(PitrEndToEndIT.checksums(r)).isEqualTo(onTimeline2);
        }
        String list = hs.cli("backup", "list", "--server", "prod").ok().out();
        assertThat(list).contains("BASE").containsPattern(diff.path("id").asText() + "\\s+DIFF\\s+" + firstFull);
    }

    @Test
    void settingsScheduleDifferentialsAndBadValuesChangeNothing() {
        JsonNode updated = hs.cli("server", "update", "--name", "prod", "--diff-interval", "24h", "--storage-size", "3",
                "--output", "json").ok().json();
        assertThat(updated.path("diffBackupInterval").asText()).isEqualTo("PT24H");
        assertThat(updated.path("storageSizeGib").asInt()).isEqualTo(3);
        JsonNode usage = hs.cli("server", "usage", "--name", "prod", "--output", "json").ok().json();
        assertThat(usage.path("allowanceBytes").asLong()).as("the provisioned size is the allowance")
                .isEqualTo(3L << 30);

        HindsightFixture.Result tooLong = hs.cli("server", "update", "--name", "prod", "--diff-interval", "2d");
        assertThat(tooLong.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(tooLong.err()).contains("invalid differential backup interval '2d'").contains("between 5m and 24h");
        HindsightFixture.Result never = hs.cli("server", "update", "--name", "prod", "--full-interval", "12h",
                "--diff-interval", "24h");
        assertThat(never.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(never.err()).contains("a differential every 24h would never come between full backups every 12h");
        HindsightFixture.Result size = hs.cli("server", "update", "--name", "prod", "--storage-size", "0");
        assertThat(size.exit()).isEqualTo(ExitCodes.INVALID);
        HindsightFixture.Result type = hs.cli("backup", "create", "--server", "prod", "--type", "weekly");
        assertThat(type.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(type.err()).contains("unknown backup type 'weekly'").contains("--type full or --type diff");
        HindsightFixture.Result nothing = hs.cli("server", "update", "--name", "prod");
        assertThat(nothing.exit()).isEqualTo(ExitCodes.INVALID);

        JsonNode show = hs.cli("server", "show", "--name", "prod", "--output", "json").ok().json();
        assertThat(show.path("diffBackupInterval").asText()).as("refused updates changed nothing").isEqualTo("PT24H");
        assertThat(show.path("fullBackupInterval").asText()).isEqualTo("PT168H");
        assertThat(show.path("storageSizeGib").asInt()).isEqualTo(3);
        JsonNode off = hs.cli("server", "update", "--name", "prod", "--diff-interval", "off", "--output", "json").ok()
                .json();
        assertThat(off.path("diffBackupInterval").asText()).isEqualTo("off");
    }

    private JsonNode backup(String id) {
        for (JsonNode b : hs.backups("prod")) {
            if (b.path("id").asText().equals(id)) {
                return b;
            }
        }
        throw new AssertionError("no backup " + id);
    }
}
