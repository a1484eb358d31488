package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.Json;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus (Debian's) scrapes the daemon with a reader token and answers a query for a
 * server's capture lag; the figures move, and every metric the alert rules and the dashboard
 * use is one the daemon exports.
 */
class PrometheusScrapeIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void prometheusScrapesTheDaemonAndQueriesAServersCaptureLag() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "scraped").ok();
            hs.awaitBackups("scraped", HindsightFixture::anyCompleted, Duration.ofMinutes(2));
            long diffBytes = hs.cli("backup", "create", "--server", "scraped", "--type", "diff", "--output", "json")
                    .ok().json().path("logicalBytes").asLong();
            String reader = hs.cli("token", "create", "--name", "prometheus", "--role", "reader", "--output", "json")
                    .ok().json().path("secret").asText();
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "hindsight-prometheus-");
            Files.writeString(dir.resolve("token"), reader);
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: hindsight
                        authorization:
                          credentials_file: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(dir.resolve("token"), hs.daemon().port()));
            int port = freePort();
            Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String base = "http://127.0.0.1:" + port;
                JsonNode lag = awaitResult(base, "hindsight_log_capture_lag_seconds{server=\"scraped\"}");
                assertThat(lag.path(0).path("metric").path("job").asText()).isEqualTo("hindsight");
                double seconds = Double.parseDouble(lag.path(0).path("value").path(1).asText());
                assertThat(seconds).as("capture lag of an idle server").isBetween(0.0, 30.0);
                assertThat(awaitResult(base, "up{job=\"hindsight\"} == 1")).hasSize(1);

                // the figures move: the last full backup grows older from scrape to scrape
                double first = value(awaitResult(base, "hindsight_last_full_backup_age_seconds{server=\"scraped\"}"));
                Thread.sleep(7000);
                double later = value(awaitResult(base, "hindsight_last_full_backup_age_seconds{server=\"scraped\"}"));
                assertThat(later).isGreaterThan(first);
                JsonNode storage = awaitResult(base, "hindsight_backup_storage_bytes{server=\"scraped\",type=\"full\"} > 0");
                assertThat(storage).hasSize(1);
                assertThat(awaitResult(base, "hindsight_operations_total{kind=\"backup\",result=\"succeeded\"} >= 1"))
                        .hasSize(1);
                assertThat(awaitResult(base, "hindsight_api_requests_total{route=\"/metrics\",status=\"200\"} > 0"))
                        .hasSize(1);

                // the first full and the differential asked for: durations and bytes by kind, per server
                assertThat(value(awaitResult(base, "hindsight_operation_duration_seconds_count{kind=\"backup\","
                        + "result=\"succeeded\",server=\"scraped\"}"))).isEqualTo(2.0);
                assertThat(value(awaitResult(base, "hindsight_operation_duration_seconds_sum{kind=\"backup\","
                        + "result=\"succeeded\",server=\"scraped\"}"))).isGreaterThan(0.0);
                assertThat(value(awaitResult(base, "hindsight_operation_bytes_sum{kind=\"backup\",server=\"scraped\"}")))
                        .as("the full's and the differential's data bytes").isGreaterThan(diffBytes);
                assertThat(value(awaitResult(base, "hindsight_last_differential_backup_age_seconds{server=\"scraped\"}")))
                        .isBetween(0.0, 120.0);
                assertThat(value(awaitResult(base, "hindsight_log_capture_pending_bytes{server=\"scraped\"}")))
                        .as("an idle server's capture has everything durable").isEqualTo(0.0);

                // what the alerts and the dashboard ask for exists
                String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hs.daemon().port()
                        + "/metrics")).header("Authorization", "Bearer " + reader).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (String used : metricNames(Files.readString(Path.of("docs/prometheus/hindsight-alerts.yml"))
                        + Files.readString(Path.of("docs/grafana/hindsight-dashboard.json")))) {
                    assertThat(scrape).as("the daemon exports " + used).containsPattern("(?m)^" + used + "[{ ]");
                }
            } finally {
                prometheus.destroy();
                prometheus.waitFor();
                dev.hindsight.util.FileTrees.deleteRecursively(dir);
            }
        }
    }

    private static TreeSet<String> metricNames(String text) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("hindsight_[a-z_]+").matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        assertThat(names).isNotEmpty();
        return names;
    }

    private static double value(JsonNode result) {
        return Double.parseDouble(result.path(0).path("value").path(1).asText());
    }

    /** Queries until the result is not empty (the first scrapes take a moment); fails after 60 s. */
    private JsonNode awaitResult(String base, String query) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        List<String> seen = new ArrayList<>();
        while (true) {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode result = Json.MAPPER.readTree(answer.body()).path("data").path("result");
                if (result.isArray() && !result.isEmpty()) {
                    return result;
                }
                seen.add(answer.body());
            } catch (java.io.IOException starting) {
                seen.add(starting.toString());
            }
            assertThat(Instant.now()).as(query + " has a result within 60 s: " + seen.subList(Math.max(0,
                    seen.size() - 2), seen.size())).isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
