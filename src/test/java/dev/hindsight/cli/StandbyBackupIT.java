package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.engine.postgres.PgInstallation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups from a standby: a managed server's standby (server replica create) serves its full and
 * differential backups while the server keeps capturing its WAL; with the standby stopped, the
 * next backup comes from the server with a note; a restore to T from the standby's backups proves
 * the data; replica delete removes the standby.
 */
class StandbyBackupIT {
    @Test
    void backupsAreTakenFromTheStandbyFallBackWhenItIsDownAndRestore() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "stby").ok();
            hs.awaitBackups("stby", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            JsonNode standby = hs.cli("server", "replica", "create", "--server", "stby", "--output", "json").ok().json();
            int port = standby.path("port").asInt();
            Path standbyData = Path.of(standby.path("dataDir").asText());
            assertThat(standbyData.resolve("standby.signal")).exists();
            assertThat(standbyData.resolve("postgresql.auto.conf")).as("its backups carry no password")
                    .content().contains("passfile=").doesNotContain("password=");
            assertThat(hs.cli("server", "show", "--name", "stby", "--output", "json").ok().json().path("standby")
                    .path("port").asInt()).isEqualTo(port);
            HindsightFixture.Result again = hs.cli("server", "replica", "create", "--server", "stby");
            assertThat(again.exit()).isEqualTo(ExitCodes.CONFLICT);
            assertThat(again.err()).contains("already has a standby");

            String uri = hs.cli("server", "show-connection-string", "--name", "stby").ok().out().strip();
            String standbyUri = uri.replaceFirst("@127\\.0\\.0\\.1:\\d+/", "@127.0.0.1:" + port + "/");
            try (Connection c = hs.connect("stby"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items(id int PRIMARY KEY, note text)");
                s.execute("INSERT INTO items SELECT g, 'before the standby full' FROM generate_series(1, 200) g");
            }
            awaitRows(standbyUri, 200);

            JsonNode full = hs.cli("backup", "create", "--server", "stby", "--output", "json").ok().json();
            assertThat(full.path("takenFrom").asText()).isEqualTo("standby");
            assertThat(full.path("status").asText()).isEqualTo("COMPLETED");
            try (Connection c = hs.connect("stby"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT g, 'before the standby diff' FROM generate_series(201, 300) g");
            }
            awaitRows(standbyUri, 300);
            JsonNode diff = hs.cli("backup", "create", "--server", "stby", "--type", "diff", "--output", "json").ok()
                    .json();
            assertThat(diff.path("kind").asText()).isEqualTo("DIFF");
            assertThat(diff.path("takenFrom").asText()).isEqualTo("standby");
            assertThat(hs.cli("backup", "list", "--server", "stby").ok().out()).contains("standby");

            String atT;
            try (Connection c = hs.connect("stby"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT g, 'after the diff' FROM generate_series(301, 400) g");
                atT = PurgeEndToEndIT.checksum(c);
            }
            Thread.sleep(1100);
            Instant t = Instant.now();
            Thread.sleep(1100);
            try (Connection c = hs.connect("stby"); Statement s = c.createStatement()) {
                s.execute("DELETE FROM items WHERE id > 50"); // the damage after T
            }

            // the standby stops: the next backup comes from the server, and says why
            pgCtl("-D", standbyData.toString(), "-m", "fast", "stop");
            JsonNode fallback = hs.cli("backup", "create", "--server", "stby", "--output", "json").ok().json();
            assertThat(fallback.path("status").asText()).isEqualTo("COMPLETED");
            assertThat(fallback.path("takenFrom").isNull() || fallback.path("takenFrom").isMissingNode()).isTrue();
            assertThat(fallback.path("reason").asText()).contains("standby", "taken from the primary");

            // a restore to T rests on the standby's differential and full
            JsonNode restored = hs.cli("server", "restore", "--source-server", "stby", "--name", "stby-at-t",
                    "--restore-time", t.toString(), "--output", "json").ok().json();
            assertThat(restored.path("backupId").asText()).isEqualTo(diff.path("id").asText());
            try (Connection r = hs.connect("stby-at-t")) {
                assertThat(PurgeEndToEndIT.checksum(r)).isEqualTo(atT);
            }

            hs.cli("server", "replica", "delete", "--server", "stby").ok();
            assertThat(standbyData).doesNotExist();
            JsonNode after = hs.cli("server", "show", "--name", "stby", "--output", "json").ok().json();
            assertThat(after.path("standby").isNull() || after.path("standby").isMissingNode()).isTrue();
        }
    }

    private static void awaitRows(String uri, int rows) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        long seen = -1;
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = HindsightFixture.connectTo(uri); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                seen = rs.getLong(1);
                if (seen == rows) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                // the table has not reached the standby yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the standby did not replay " + rows + " rows in 60 s (saw " + seen + ")");
    }

    private static void pgCtl(String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        if (dev.hindsight.util.OsUser.isRoot()) {
            argv.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        argv.add(PgInstallation.locate().tool("pg_ctl").toString());
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(argv + " failed: " + out);
        }
    }
}
