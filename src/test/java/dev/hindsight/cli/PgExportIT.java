package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.engine.postgres.PgInstallation;
import dev.hindsight.util.FreePort;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * An exported PostgreSQL backup is restored with PostgreSQL's own tools alone: pg_verifybackup
 * passes on it, tar unpacks the tar format, and pg_ctl starts it — consistent at the backup for
 * a backup export, recovered to T and promoted for a time export — with the data as it was.
 */
class PgExportIT {
    private static final PgInstallation PG = PgInstallation.locate();

    @Test
    void anExportRestoresWithPostgresqlsOwnToolsAndHoldsTheDataOfItsPoint() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "exp").ok();
            hs.awaitBackups("exp", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            try (Connection c = hs.connect("exp"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items(id int PRIMARY KEY, note text)");
                s.execute("INSERT INTO items SELECT g, 'in the backup' FROM generate_series(1, 100) g");
            }
            JsonNode backup = hs.cli("backup", "create", "--server", "exp", "--output", "json").ok().json();
            String atBackup;
            String atT;
            try (Connection c = hs.connect("exp"); Statement s = c.createStatement()) {
                atBackup = "100:" + md5Of(s, 1, 100, "in the backup");
                s.execute("INSERT INTO items SELECT g, 'after the backup' FROM generate_series(101, 200) g");
                atT = PurgeEndToEndIT.checksum(c);
            }
            Thread.sleep(1100);
            Instant t = Instant.now();
            Thread.sleep(1100);
            try (Connection c = hs.connect("exp"); Statement s = c.createStatement()) {
                s.execute("DELETE FROM items WHERE id % 2 = 0"); // the damage after T
                s.execute("UPDATE items SET note = 'damaged'");
            }
            hs.awaitLatestRestorePoint("exp", Instant.now(), Duration.ofSeconds(30));
            Path exports = Files.createTempDirectory(Path.of("/tmp"), "hindsight-export-");
            Files.setPosixFilePermissions(exports, PosixFilePermissions.fromString("rwxr-xr-x"));
            giveToPostgres(exports); // its socket and logs go here
            String uri = hs.cli("server", "show-connection-string", "--name", "exp").ok().out().strip();
            List<Path> started = new ArrayList<>();
            try {
                // a backup, plain: pg_verifybackup checks it where it lies; it starts consistent
                Path plain = exports.resolve("plain");
                JsonNode one = hs.cli("backup", "export", "--server", "exp", "--backup", backup.path("id").asText(),
                        "--to", plain.toString(), "--output", "json").ok().json();
                assertThat(one.path("format").asText()).isEqualTo("plain");
                assertThat(plain.resolve("data/backup_manifest")).exists();
                assertThat(plain.resolve("RESTORE.txt")).content().contains("pg_verifybackup");
                assertThat(Files.getPosixFilePermissions(plain)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
                giveToPostgres(plain);
                assertThat(run("pg_verifybackup", plain.resolve("data").toString())).contains("backup successfully verified");
                int port = start(plain.resolve("data"), exports, started);
                try (Connection r = HindsightFixture.connectTo(withPort(uri, port)); Statement s = r.createStatement()) {
                    assertThat(checksumOf(s)).isEqualTo(atBackup);
                }

                // a time, tar: unpacked with tar, verified, recovered to T from its wal/ and promoted
                Path tar = exports.resolve("tar");
                JsonNode toT = hs.cli("backup", "export", "--server", "exp", "--restore-time", t.toString(), "--to",
                        tar.toString(), "--format", "tar", "--output", "json").ok().json();
                assertThat(Instant.parse(toT.path("pointInTime").asText())).isEqualTo(t);
                assertThat(tar.resolve("data/base.tar")).exists();
                assertThat(tar.resolve("data/pg_wal.tar")).exists();
                assertThat(tar.resolve("wal")).isDirectoryContaining(p -> p.getFileName().toString().matches("[0-9A-F]{24}"));
                giveToPostgres(tar);
                Path unpacked = exports.resolve("unpacked");
                Files.createDirectory(unpacked, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                run("tar", "-xf", tar.resolve("data/base.tar").toString(), "-C", unpacked.toString());
                run("tar", "-xf", tar.resolve("data/pg_wal.tar").toString(), "-C", unpacked.resolve("pg_wal").toString());
                Files.copy(tar.resolve("data/backup_manifest"), unpacked.resolve("backup_manifest"));
                giveToPostgres(unpacked);
                assertThat(run("pg_verifybackup", unpacked.toString())).contains("backup successfully verified");
                assertThat(unpacked.resolve("recovery.signal")).exists();
                port = start(unpacked, exports, started);
                try (Connection r = HindsightFixture.connectTo(withPort(uri, port)); Statement s = r.createStatement()) {
                    awaitPromoted(s);
                    assertThat(PurgeEndToEndIT.checksum(r)).isEqualTo(atT);
                }

                // bad requests change nothing
                HindsightFixture.Result occupied = hs.cli("backup", "export", "--server", "exp", "--latest", "--to",
                        plain.toString());
                assertThat(occupied.exit()).isEqualTo(ExitCodes.CONFLICT);
                assertThat(occupied.err()).contains("is not empty");
                Path unused = exports.resolve("unused");
                HindsightFixture.Result wrongFormat = hs.cli("backup", "export", "--server", "exp", "--latest", "--to",
                        unused.toString(), "--format", "xbstream");
                assertThat(wrongFormat.exit()).isEqualTo(ExitCodes.INVALID);
                assertThat(wrongFormat.err()).contains("plain or tar");
                HindsightFixture.Result tooEarly = hs.cli("backup", "export", "--server", "exp", "--restore-time",
                        "2020-01-01T00:00:00Z", "--to", unused.toString());
                assertThat(tooEarly.exit()).isEqualTo(ExitCodes.INVALID);
                assertThat(tooEarly.err()).contains("outside the restore window");
                HindsightFixture.Result none = hs.cli("backup", "export", "--server", "exp", "--to", unused.toString());
                assertThat(none.exit()).isEqualTo(ExitCodes.INVALID);
                assertThat(unused).doesNotExist();
                try (var left = Files.list(exports)) {
                    assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("partial"));
                }
            } finally {
                for (Path dataDir : started) {
                    runAllowingFailure("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "stop");
                }
                HindsightFixture.liftImmutability(exports);
                dev.hindsight.util.FileTrees.deleteRecursively(exports);
            }
        }
    }

    private static String md5Of(Statement s, int from, int to, String note) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM (SELECT g AS id, '"
                + note + "'::text AS note FROM generate_series(" + from + ", " + to + ") g) t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String checksumOf(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery(
                "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY id)) FROM items t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitPromoted(Statement s) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the exported server did not finish recovery in 2 minutes");
    }

    private static String withPort(String uri, int port) {
        return uri.replaceFirst("@127\\.0\\.0\\.1:\\d+/", "@127.0.0.1:" + port + "/");
    }

    /** Starts a data directory with pg_ctl as the user PostgreSQL runs as, on a free port; returns it. */
    private static int start(Path dataDir, Path exports, List<Path> started) throws Exception {
        int port = FreePort.find();
        started.add(dataDir);
        run("pg_ctl", "-D", dataDir.toString(), "-o", "-p " + port + " -k " + exports + " -c listen_addresses=127.0.0.1",
                "-l", exports.resolve(dataDir.getFileName() + "-" + port + ".log").toString(), "-w", "-t", "120",
                "start");
        return port;
    }

    private static void giveToPostgres(Path dir) throws Exception {
        if (dev.hindsight.util.OsUser.isRoot()) {
            command(List.of("chown", "-R", "postgres:postgres", dir.toString()), true);
        }
    }

    private static String run(String tool, String... args) throws Exception {
        return command(argv(tool, args), true);
    }

    private static void runAllowingFailure(String tool, String... args) throws Exception {
        command(argv(tool, args), false);
    }

    private static List<String> argv(String tool, String... args) {
        List<String> argv = new ArrayList<>();
        if (dev.hindsight.util.OsUser.isRoot() && !tool.equals("tar")) {
            argv.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        argv.add(tool.equals("tar") ? "tar" : PG.tool(tool).toString());
        argv.addAll(List.of(args));
        return argv;
    }

    private static String command(List<String> argv, boolean mustSucceed) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " did not finish");
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new AssertionError(argv + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
