package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore rehearsal on a real server of each engine: the newest backup restored with its log
 * into a scratch server, checked by the engine's own tool, recorded VERIFIED on the backup, and
 * the scratch server gone afterwards, the source untouched and nothing new in the repository.
 */
class RehearsalIT {
    @ParameterizedTest
    @ValueSource(strings = {"postgres", "mariadb"})
    void aRehearsalRestoresChecksRecordsAndLeavesNothingBehind(String engine) throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            String name = "rehearsed-" + (engine.equals("postgres") ? "pg" : "mdb");
            hs.cli("server", "create", "--name", name, "--engine", engine, "--admin-user", "app",
                    "--admin-password", "s3cret-pw").ok();
            hs.awaitBackups(name, HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            try (Connection c = hs.connect(name); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders(id INT PRIMARY KEY, amount INT)");
                s.execute("INSERT INTO orders VALUES (1, 10), (2, 20), (3, 30)");
                s.execute("CREATE INDEX orders_amount ON orders(amount)");
            }
            JsonNode before = hs.cli("server", "show", "--name", name, "--output", "json").ok().json();
            assertThat(before.path("rehearsal").asText()).as("the default schedule").isEqualTo("weekly");

            HindsightFixture.Result rehearsed = hs.cli("server", "rehearse", "--name", name).ok();
            assertThat(rehearsed.out()).contains("VERIFIED");

            JsonNode backups = hs.cli("backup", "list", "--server", name, "--output", "json").ok().json();
            JsonNode newest = backups.get(backups.size() - 1);
            assertThat(newest.path("verification").path("status").asText()).isEqualTo("VERIFIED");
            assertThat(newest.path("verification").path("duration").asLong()).isPositive();
            assertThat(hs.cli("backup", "list", "--server", name).ok().out()).contains("VERIFIED");
            JsonNode shown = hs.cli("server", "show", "--name", name, "--output", "json").ok().json();
            assertThat(shown.path("lastRehearsal").path("status").asText()).isEqualTo("VERIFIED");
            String metrics = awaitMetric(hs, "hindsight_last_rehearsal_success{server=\"" + name + "\"} 1.0");
            assertThat(metrics).containsPattern("hindsight_last_rehearsal_timestamp_seconds\\{server=\"" + name
                    + "\"} 1\\.[0-9]+E9").containsPattern("hindsight_last_rehearsal_duration_seconds\\{server=\""
                    + name + "\"} (0\\.[0-9]*[1-9]|[1-9])"); // more than nothing: 0.9 s for MariaDB here

            // nothing of the scratch server is left: no directory, no server, nothing in the catalog
            Path scratch = hs.home.resolve("tmp");
            if (Files.isDirectory(scratch)) {
                try (Stream<Path> left = Files.list(scratch)) {
                    assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("rehearsal-"));
                }
            }
            assertThat(hs.cli("server", "list", "--output", "json").ok().json()).hasSize(1);
            assertThat(hs.cli("server", "list", "--deleted", "--output", "json").ok().json()).isEmpty();
            try (Connection c = hs.connect(name); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM orders")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the source is only read").isEqualTo(3);
            }

            // the schedule is a setting; a bad one changes nothing
            assertThat(hs.cli("server", "update", "--name", name, "--rehearsal", "hourly").err())
                    .contains("weekly, daily or off");
            hs.cli("server", "update", "--name", name, "--rehearsal", "off").ok();
            assertThat(hs.cli("server", "show", "--name", name, "--output", "json").ok().json().path("rehearsal")
                    .asText()).isEqualTo("off");
        }
    }

    /** The daemon's /metrics once it holds {@code line} (it is refreshed every few seconds); fails after 30 s. */
    private static String awaitMetric(HindsightFixture hs, String line) throws Exception {
        String token = hs.cli("token", "create", "--name", "scrape-" + System.nanoTime(), "--role", "reader",
                "--output", "json").ok().json().path("secret").asText();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        String body = "";
        while (java.time.Instant.now().isBefore(deadline)) {
            body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + hs.daemon().port() + "/metrics")).header("Authorization", "Bearer " + token).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            if (body.lines().anyMatch(l -> l.equals(line))) {
                return body;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("/metrics never held " + line + ":\n" + body);
    }
}
