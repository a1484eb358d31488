package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.engine.postgres.Lsn;
import dev.hindsight.testing.TestS3;
import dev.hindsight.util.FileTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zone redundancy end to end: three sites in the primary region (the home's filesystem site and
 * two real S3 API servers). One site down: nothing is acknowledged (no WAL object appears in any
 * copy), the server's slot keeps the WAL, and when the site returns the capture catches up with
 * no gap. Then bit rot: a byte flipped in one copy of a backup is read from another copy during
 * a restore, repaired, and reported.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZoneRedundancyIT {
    HindsightFixture hs;
    TestS3 z2;
    TestS3 z3;
    Path dirs;

    @BeforeAll
    void start() throws Exception {
        dirs = Files.createTempDirectory(Path.of("/tmp"), "hindsight-zones-");
        z2 = TestS3.start(dirs.resolve("z2"));
        z3 = TestS3.start(dirs.resolve("z3"));
        z2.createBucket("bucket-z2");
        z3.createBucket("bucket-z3");
        hs = new HindsightFixture();
        for (TestS3 s3 : List.of(z2, z3)) {
            String name = s3 == z2 ? "z2" : "z3";
            hs.cli("storage", "site", "add", name, "--type", "s3", "--bucket", "bucket-" + name, "--endpoint", s3.endpoint(),
                    "--path-style", "--access-key", TestS3.ACCESS, "--secret-key", TestS3.SECRET).ok();
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (hs != null) {
            hs.close();
        }
        for (TestS3 s3 : new TestS3[]{z2, z3}) {
            if (s3 != null) {
                s3.close();
            }
        }
        FileTrees.deleteRecursively(dirs);
    }

    @Test
    void aSiteDownHoldsBackAcknowledgementThenCaptureCatchesUpAndBitRotIsHealed() throws Exception {
        JsonNode created = hs.cli("server", "create", "--name", "zoned", "--admin-user", "app", "--admin-password",
                "s3cret-pw", "--backup-redundancy", "zone", "--output", "json").ok().json();
        assertThat(created.path("backupRedundancy").asText()).isEqualTo("zone");
        assertThat(created.path("backupCopies")).extracting(JsonNode::asText).containsExactly("home", "z2", "z3");
        String id = created.path("id").asText();
        hs.awaitBackups("zoned", HindsightFixture::anyCompleted, Duration.ofMinutes(3));

        Map<String, String> end;
        String endOfWal;
        try (Connection c = hs.connect("zoned"); Connection loadConn = hs.connect("zoned")) {
            PitrEndToEndIT.createLoadTables(c);
            try (SerialLoad load = PitrEndToEndIT.load(loadConn)) {
                Thread.sleep(2000);
                z3.stop();
                Thread.sleep(4000); // a write begun before the outage has failed or finished by now
                String acknowledged = slotPosition(c);
                long committedBefore = load.committed.get();
                Thread.sleep(6000);
                assertThat(slotPosition(c)).as("no WAL acknowledged to the server while a zone copy is down")
                        .isEqualTo(acknowledged);
                assertThat(load.committed.get()).as("the server commits on: its slot keeps the WAL")
                        .isGreaterThan(committedBefore + 50);
                JsonNode during = hs.cli("server", "show", "--name", "zoned", "--output", "json").ok().json();
                assertThat(during.path("logCaptureError").asText()).isNotEmpty();
                z3.restart();
                Thread.sleep(3000);
            }
            end = PitrEndToEndIT.checksums(c);
            try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
                rs.next();
                endOfWal = rs.getString(1);
            }
        }
        awaitDurable(endOfWal, Duration.ofMinutes(2));
        assertThat(sealedWal(id, "home")).isEqualTo(sealedWal(id, "z2")).isEqualTo(sealedWal(id, "z3"))
                .isNotEmpty();

        // bit rot in the home copy of the full backup's largest bundle
        Path bundle;
        try (Stream<Path> files = Files.walk(hs.home.resolve("repository/servers/" + id + "/backups"))) {
            bundle = files.filter(p -> p.getFileName().toString().startsWith("bundle-"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
        byte[] rotten = Files.readAllBytes(bundle);
        rotten[rotten.length / 3] ^= 0x10;
        Files.write(bundle, rotten);
        String bundleKey = hs.home.resolve("repository").relativize(bundle).toString();

        hs.cli("server", "restore", "--source-server", "zoned", "--name", "zoned-latest", "--latest").ok();
        try (Connection r = hs.connect("zoned-latest")) {
            assertThat(PitrEndToEndIT.checksums(r)).as("no gap: everything committed during the outage is there")
                    .isEqualTo(end);
        }
        try (S3Client client = z2.client()) {
            byte[] good = client.getObjectAsBytes(b -> b.bucket("bucket-z2").key(bundleKey)).asByteArray();
            assertThat(Files.readAllBytes(bundle)).as("the rotten copy was repaired").isEqualTo(good);
        }
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + hs.daemon().port() + "/metrics")).header("Authorization", "Bearer " + Files.readString(
                hs.home.resolve("daemon.token")).strip()).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("hindsight_repairs_total [1-9]")
                .contains("hindsight_log_capture_lag_seconds{server=\"zoned\"}");

        rotten = Files.readAllBytes(bundle);
        rotten[10] ^= 0x01;
        Files.write(bundle, rotten);
        HindsightFixture.Result verify = hs.cli("repository", "verify", "--server", "zoned").ok();
        assertThat(verify.out()).contains(bundleKey, "damaged", "repaired from", "every copy is whole");
        HindsightFixture.Result again = hs.cli("repository", "verify", "--server", "zoned", "--output", "json").ok();
        assertThat(again.json().path("findings")).isEmpty();
        assertThat(again.json().path("copies")).hasSize(3);
    }

    /** Where the server's replication slot stands: WAL before it was acknowledged durable by the capture. */
    private static String slotPosition(Connection c) throws java.sql.SQLException {
        try (Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT restart_lsn FROM pg_replication_slots "
                     + "WHERE slot_name LIKE 'hindsight%'")) {
            assertThat(rs.next()).as("the capture's slot").isTrue();
            return rs.getString(1);
        }
    }

    private static Set<String> objects(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(n -> !n.contains(".tmp-")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The sealed WAL segments one copy holds (pieces come and go). */
    private Set<String> sealedWal(String id, String site) throws Exception {
        Set<String> keys = new TreeSet<>();
        if (site.equals("home")) {
            objects(hs.home.resolve("repository/servers/" + id + "/wal")).forEach(k -> keys.add("servers/" + id
                    + "/wal/" + k));
        } else {
            try (S3Client client = (site.equals("z2") ? z2 : z3).client()) {
                client.listObjectsV2Paginator(b -> b.bucket("bucket-" + site).prefix("servers/" + id + "/wal/")).contents()
                        .forEach(o -> keys.add(o.key()));
            }
        }
        keys.removeIf(k -> !k.matches(".*/[0-9A-F]{24}-00000000-01000000-[0-9]+"));
        return keys;
    }

    /** Waits until the capture holds the server's WAL up to {@code lsn} in every copy, with no error. */
    private void awaitDurable(String lsn, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode show = null;
        while (Instant.now().isBefore(deadline)) {
            show = hs.cli("server", "show", "--name", "zoned", "--output", "json").ok().json();
            JsonNode durable = show.path("logCapturePosition");
            if (show.path("logCaptureError").isNull() && durable.isTextual()
                    && !Lsn.parse(durable.asText()).isBefore(Lsn.parse(lsn))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the capture did not catch up to " + lsn + " in " + timeout + ": " + show);
    }
}
