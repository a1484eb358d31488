package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.testing.TestS3;
import dev.hindsight.util.FileTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Geo redundancy end to end: a second region on a real S3 API server, the default (prod) preset
 * taking geo once it can, the policy and preset errors, and the proof: the primary region's data
 * destroyed entirely, a geo-restore to T from the paired region's copy alone holds exactly the
 * data at T.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GeoRedundancyIT {
    HindsightFixture hs;
    TestS3 west;
    Path westDir;

    @BeforeAll
    void start() throws Exception {
        westDir = Files.createTempDirectory(Path.of("/tmp"), "hindsight-west-");
        west = TestS3.start(westDir);
        west.createBucket("dr-west");
        hs = new HindsightFixture();
        hs.cli("storage", "site", "add", "dr", "--type", "s3", "--region", "west", "--bucket", "dr-west", "--prefix",
                "hindsight/", "--endpoint", west.endpoint(), "--path-style", "--access-key", TestS3.ACCESS,
                "--secret-key", TestS3.SECRET).ok();
        hs.cli("storage", "region", "pair", "primary", "west").ok();
    }

    @AfterAll
    void stop() throws Exception {
        if (hs != null) {
            hs.close();
        }
        if (west != null) {
            west.close();
        }
        FileTrees.deleteRecursively(westDir);
    }

    @Test
    @Order(1)
    void sitesArePairedAndListedWithoutSecrets() {
        String listed = hs.cli("storage", "site", "list").ok().out();
        assertThat(listed).contains("dr", "west", "paired (geo)", "home", "primary")
                .doesNotContain(TestS3.SECRET);
        assertThat(hs.cli("storage", "site", "add", "dr", "--type", "fs", "--path", "/tmp/x").exit())
                .as("a second site named dr").isEqualTo(ExitCodes.CONFLICT);
        HindsightFixture.Result unreachable = hs.cli("storage", "site", "add", "gone", "--type", "s3", "--bucket",
                "nope", "--endpoint", "http://127.0.0.1:9", "--path-style", "--access-key", "a", "--secret-key", "b");
        assertThat(unreachable.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(unreachable.err()).contains("site copy gone", "cannot be used", "nothing was saved");
        assertThat(hs.cli("storage", "site", "list").ok().out()).doesNotContain("gone");
    }

    @Test
    @Order(2)
    void policyAndPresetErrorsChangeNothing() {
        hs.cli("storage", "policy", "set", "--allowed-redundancy", "local,zone").ok();
        HindsightFixture.Result forbidden = hs.cli("server", "create", "--name", "forbidden", "--backup-redundancy",
                "geo");
        assertThat(forbidden.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(forbidden.err()).contains("backup redundancy geo is not available",
                "policy allows only local, zone", "storage policy set");
        hs.cli("storage", "policy", "set", "--allowed-redundancy", "local,zone,geo,geo-zone").ok();
        HindsightFixture.Result zone = hs.cli("server", "create", "--name", "zoned", "--backup-redundancy", "zone");
        assertThat(zone.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(zone.err()).contains("zone redundancy needs at least 3 sites in region primary, which has 1");
        HindsightFixture.Result preset = hs.cli("server", "create", "--name", "staging", "--workload", "staging");
        assertThat(preset.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(preset.err()).contains("unknown workload 'staging'", "--workload dev");
        assertThat(hs.cli("server", "list", "--output", "json").ok().json()).isEmpty();
    }

    @Test
    @Order(3)
    void devIsLocalAndALocalServerCannotBeGeoRestored() throws Exception {
        JsonNode dev = hs.cli("server", "create", "--name", "devbox", "--workload", "dev", "--output", "json").ok()
                .json();
        assertThat(dev.path("backupRedundancy").asText()).isEqualTo("local");
        assertThat(dev.path("geoSite").isNull()).isTrue();
        assertThat(dev.path("storageNote").asText()).contains("site home keeps 1 copy");
        HindsightFixture.Result refused = hs.cli("server", "geo-restore", "--source-server", "devbox", "--name",
                "devbox-dr", "--latest");
        assertThat(refused.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(refused.err()).contains("devbox has local backup redundancy", "no copy in a second region");
        hs.cli("server", "delete", "--name", "devbox").ok();
    }

    @Test
    @Order(4)
    void geoRestoreToTFromTheSecondRegionAloneProvesTheData() throws Exception {
        JsonNode prod = hs.cli("server", "create", "--name", "prod", "--admin-user", "app", "--admin-password",
                "s3cret-pw", "--output", "json").ok().json();
        assertThat(prod.path("backupRedundancy").asText()).as("prod, the default preset, takes geo").isEqualTo("geo");
        assertThat(prod.path("geoSite").asText()).isEqualTo("dr");
        hs.awaitBackups("prod", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        // a new server has no geo lag until its first copy (its first full) is made: the lag under
        // load is measured from then on (while other servers' copies go first, it is simply unknown)
        awaitGeoCopyPast(Instant.now(), Duration.ofMinutes(2));

        Map<String, String> atT;
        Instant t;
        double worstLag = 0;
        try (Connection c = hs.connect("prod"); Connection loadConn = hs.connect("prod")) {
            PitrEndToEndIT.createLoadTables(c);
            try (SerialLoad load = PitrEndToEndIT.load(loadConn)) {
                Thread.sleep(3000);
                SerialLoad.Quiet quiet = load.quiet(c, PitrEndToEndIT::checksums, 20, false);
                atT = quiet.checksums();
                t = quiet.at();
                for (int i = 0; i < 8; i++) {
                    Thread.sleep(1000);
                    worstLag = Math.max(worstLag, geoLag());
                }
                assertThat(load.committed.get()).as("the load ran").isGreaterThan(100);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE orders");
                s.execute("UPDATE accounts SET balance = -1");
            }
        }
        System.out.printf("geo lag under load: worst %.1f s (target <= 60 s)%n", worstLag);
        assertThat(worstLag).as("geo lag under load, seconds").isLessThanOrEqualTo(60);
        awaitGeoCopyPast(t.plusSeconds(4), Duration.ofMinutes(2));

        // the primary region is lost: its only site's data, and the server with it
        hs.stopDaemon();
        FileTrees.deleteRecursively(hs.home.resolve("repository"));
        hs.startDaemon();
        assertThat(hs.cli("server", "restore", "--source-server", "prod", "--name", "prod-local", "--latest").exit())
                .as("the primary region has nothing to restore from").isNotZero();

        HindsightFixture.Result restored = hs.cli("server", "geo-restore", "--source-server", "prod", "--name",
                "prod-dr", "--restore-time", t.toString(), "--backup-redundancy", "local").ok();
        assertThat(restored.out()).contains("from its geo copy", "postgresql://app:s3cret-pw@127.0.0.1:");
        try (Connection r = hs.connect("prod-dr")) {
            assertThat(PitrEndToEndIT.checksums(r)).isEqualTo(atT);
        }
        assertThat(hs.cli("server", "show", "--name", "prod-dr", "--output", "json").ok().json()
                .path("state").asText()).isEqualTo("running");
        hs.cli("server", "delete", "--name", "prod").ok(); // not in any catalog here any more: leaves this host only
        offlineRestoreFromTheGeoSite(t, atT);

        // the primary region moved to new, empty sites while the daemon runs: they get the key from the geo copy
        Path recovery = hs.home.resolve("recovery-site");
        hs.cli("storage", "site", "add", "rescue", "--type", "fs", "--region", "recovery", "--path",
                recovery.toString()).ok();
        hs.cli("storage", "region", "pair", "recovery", "west").ok();
        assertThat(recovery.resolve("keyring.json")).exists();
        hs.cli("server", "geo-restore", "--source-server", "prod", "--name", "prod-dr2", "--latest").ok();
        try (Connection r = hs.connect("prod-dr2")) {
            assertThat(PitrEndToEndIT.tableExists(r, "accounts")).isTrue();
        }
    }

    /** Without the daemon: the geo site (S3) and the passphrase alone give a data directory holding the data at T. */
    private void offlineRestoreFromTheGeoSite(Instant t, Map<String, String> atT) throws Exception {
        Path target = Files.createTempDirectory(Path.of("/tmp"), "geo-offline-").resolve("data");
        Path sockets = target.getParent().resolve("run");
        int port = dev.hindsight.util.FreePort.find();
        HindsightFixture.Result done = hs.cli("restore", "--site", "dr", "--storage-config",
                hs.home.resolve("storage.json").toString(), "--server", "prod", "--restore-time", t.toString(),
                "--target-dir", target.toString(), "--port", Integer.toString(port), "--socket-dir",
                sockets.toString()).ok();
        assertThat(done.out()).contains("is ready");
        HindsightFixture.startOfflineRestored(target, sockets, port, "app", "s3cret-pw",
                r -> assertThat(PitrEndToEndIT.checksums(r)).isEqualTo(atT));
        HindsightFixture.Result both = hs.cli("restore", "--site", "dr", "--repository", "/tmp", "--server", "prod",
                "--latest", "--target-dir", target.toString());
        assertThat(both.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(both.err()).contains("exactly one of --repository and --site");
    }

    /** The same engine-neutral path for MariaDB: binary logs and mariadb-backup streams copied and restored. */
    @Test
    @Order(5)
    void aMariaDbServerIsGeoRestoredToo() throws Exception {
        JsonNode shop = hs.cli("server", "create", "--name", "shop", "--engine", "mariadb", "--admin-user", "app",
                "--admin-password", "s3cret-pw", "--output", "json").ok().json();
        assertThat(shop.path("backupRedundancy").asText()).isEqualTo("geo");
        hs.awaitBackups("shop", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
        Map<String, String> expected;
        try (Connection c = hs.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items(id INT PRIMARY KEY, price BIGINT)");
            s.execute("INSERT INTO items SELECT seq, seq * 7 FROM seq_1_to_500");
            expected = MariaDbPitrEndToEndIT.checksums(c);
        }
        Thread.sleep(1500);
        awaitGeoCopyPast("shop", Instant.now().plusSeconds(2), Duration.ofMinutes(2));
        // the server has been idle since: the geo copy's latest point is its last log write, which holds everything
        hs.cli("server", "geo-restore", "--source-server", "shop", "--name", "shop-dr", "--latest").ok();
        try (Connection r = hs.connect("shop-dr")) {
            assertThat(MariaDbPitrEndToEndIT.checksums(r)).isEqualTo(expected);
        }
    }

    private double geoLag() {
        return geoLag("prod");
    }

    private double geoLag(String server) {
        JsonNode show = hs.cli("server", "show", "--name", server, "--output", "json").ok().json();
        JsonNode lag = show.path("geoLagSeconds");
        return lag.isNumber() ? lag.asDouble() : Double.MAX_VALUE;
    }

    private void awaitGeoCopyPast(Instant point, Duration timeout) throws InterruptedException {
        awaitGeoCopyPast("prod", point, timeout);
    }

    private void awaitGeoCopyPast(String server, Instant point, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            double lag = geoLag(server);
            if (lag != Double.MAX_VALUE && Instant.now().minusMillis((long) (lag * 1000)).isAfter(point)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the geo copy did not get past " + point + " in " + timeout);
    }
}
