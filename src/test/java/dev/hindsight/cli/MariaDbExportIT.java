package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.engine.mariadb.MariaDbInstallation;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.OsUser;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exported MariaDB server (a full and a differential on it) is restored to T with MariaDB's own
 * tools alone, as RESTORE.txt says: mbstream and mariadb-backup --prepare, mariadbd on the
 * result, and the exported binary logs replayed by mariadb-binlog into the mariadb client.
 */
class MariaDbExportIT {
    private static final MariaDbInstallation MARIADB = MariaDbInstallation.locate();

    @Test
    void anExportToATimeRestoresWithMariadbsOwnToolsAndHoldsTheDataOfThatTime() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "mexp", "--engine", "mariadb", "--admin-user", "app",
                    "--admin-password", "s3cret-pw").ok();
            hs.awaitBackups("mexp", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            try (Connection c = hs.connect("mexp"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items(id INT PRIMARY KEY, price BIGINT)");
                s.execute("INSERT INTO items SELECT seq, seq * 7 FROM seq_1_to_500");
            }
            JsonNode diff = hs.cli("backup", "create", "--server", "mexp", "--type", "diff", "--output", "json").ok()
                    .json();
            assertThat(diff.path("kind").asText()).isEqualTo("DIFF");
            Map<String, String> atT;
            try (Connection c = hs.connect("mexp"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT seq, seq * 11 FROM seq_501_to_900");
                s.execute("UPDATE items SET price = price + 1 WHERE id % 3 = 0");
                atT = MariaDbPitrEndToEndIT.checksums(c);
            }
            Thread.sleep(1500);
            Instant t = Instant.now();
            Thread.sleep(1500);
            try (Connection c = hs.connect("mexp"); Statement s = c.createStatement()) {
                s.execute("DELETE FROM items WHERE id > 100"); // the damage after T
            }
            hs.awaitLatestRestorePoint("mexp", Instant.now(), Duration.ofSeconds(30));

            Path exports = Files.createTempDirectory(Path.of("/tmp"), "hindsight-export-");
            Files.setPosixFilePermissions(exports, PosixFilePermissions.fromString("rwxr-xr-x"));
            Process server = null;
            try {
                Path export = exports.resolve("mexp-at-t");
                JsonNode out = hs.cli("backup", "export", "--server", "mexp", "--restore-time", t.toString(), "--to",
                        export.toString(), "--output", "json").ok().json();
                assertThat(out.path("format").asText()).isEqualTo("xbstream");
                assertThat(out.path("backupId").asText()).isEqualTo(diff.path("id").asText());
                assertThat(export.resolve("full.xbstream")).isNotEmptyFile();
                assertThat(export.resolve("incremental.xbstream")).isNotEmptyFile();
                assertThat(export.resolve("binlog")).isNotEmptyDirectory();
                List<String> how = Files.readAllLines(export.resolve("RESTORE.txt"));
                String replay = how.stream().map(String::strip).filter(l -> l.startsWith("mariadb-binlog "))
                        .findFirst().orElseThrow(() -> new AssertionError("no replay line in " + how));

                // as RESTORE.txt says, with nothing but MariaDB's tools
                Path data = Files.createDirectory(exports.resolve("data"));
                Path incremental = Files.createDirectory(exports.resolve("incremental"));
                sh(MARIADB.tool("mbstream") + " -x -C " + data + " < " + export.resolve("full.xbstream"));
                sh(MARIADB.tool("mariadb-backup") + " --no-defaults --prepare --target-dir=" + data);
                sh(MARIADB.tool("mbstream") + " -x -C " + incremental + " < " + export.resolve("incremental.xbstream"));
                sh(MARIADB.tool("mariadb-backup") + " --no-defaults --prepare --target-dir=" + data
                        + " --incremental-dir=" + incremental);
                int port = FreePort.find();
                Path run = Files.createDirectory(exports.resolve("run"));
                if (OsUser.isRoot()) {
                    sh("chown -R mysql:mysql " + data + " " + run);
                }
                List<String> start = new ArrayList<>();
                if (OsUser.isRoot()) {
                    start.addAll(List.of("runuser", "-u", "mysql", "--"));
                }
                start.addAll(List.of(MARIADB.server().toString(), "--no-defaults", "--datadir=" + data,
                        "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + run.resolve("mysqld.sock"),
                        "--pid-file=" + run.resolve("mysqld.pid"), "--log-error=" + run.resolve("error.log")));
                server = new ProcessBuilder(start).redirectErrorStream(true)
                        .redirectOutput(run.resolve("stdout.log").toFile()).start();
                String jdbc = "jdbc:mariadb://127.0.0.1:" + port + "/app";
                awaitConnectable(jdbc, run);
                sh(replay.replace("| mariadb -u root", "| " + MARIADB.tool("mariadb") + " --no-defaults -h 127.0.0.1 -P "
                        + port + " -u app -ps3cret-pw"));
                try (Connection r = DriverManager.getConnection(jdbc, "app", "s3cret-pw")) {
                    assertThat(MariaDbPitrEndToEndIT.checksums(r)).isEqualTo(atT);
                }
            } finally {
                if (server != null) {
                    server.destroy();
                    if (!server.waitFor(60, TimeUnit.SECONDS)) {
                        server.destroyForcibly();
                    }
                }
                dev.hindsight.util.FileTrees.deleteRecursively(exports);
            }
        }
    }

    private static void awaitConnectable(String jdbc, Path run) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            try (Connection ignored = DriverManager.getConnection(jdbc, "app", "s3cret-pw")) {
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(300);
            }
        }
        throw new AssertionError("mariadbd did not accept connections: " + last + "\n"
                + (Files.exists(run.resolve("error.log")) ? Files.readString(run.resolve("error.log")) : ""));
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(command + " failed:\n" + out);
        }
    }
}
