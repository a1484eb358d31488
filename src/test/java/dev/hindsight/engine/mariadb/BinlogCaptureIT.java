package dev.hindsight.engine.mariadb;

import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import dev.hindsight.testing.TestMariaDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Binary log capture from a real MariaDB 10.11: the repository's files are the server's, byte for byte. */
class BinlogCaptureIT {
    @TempDir
    Path tmp;
    TestMariaDb db;
    BinlogArchive archive;
    final List<BinlogCapture> captures = new ArrayList<>();

    @BeforeEach
    void up() throws Exception {
        db = TestMariaDb.start();
        Repository repo = Repository.openOrCreate(new FileStore(tmp.resolve("repo")), "pw".toCharArray());
        archive = new BinlogArchive(repo, "srv-1");
        sql("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, note LONGTEXT)");
    }

    @AfterEach
    void down() {
        captures.forEach(BinlogCapture::close);
        if (db != null) {
            db.close();
        }
    }

    BinlogCapture capture() {
        MariaDbCluster cluster = db.cluster();
        BinlogCapture c = new BinlogCapture(new MariaDbSource(cluster, TestMariaDb.AGENT, TestMariaDb.AGENT_PASSWORD),
                archive, 4_000_000_001L, Clock.systemUTC(), "test");
        captures.add(c);
        c.start();
        return c;
    }

    @Test
    void sealedFilesAreTheServersFilesAndTheOpenOneDiffersOnlyInItsInUseFlag() throws Exception {
        BinlogCapture capture = capture();
        insert(50, 300);
        sql("FLUSH BINARY LOGS");
        insert(20, 5000);
        sql("FLUSH BINARY LOGS");
        insert(10, 100);
        awaitHoldsAll(capture);

        List<String> files = serverFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (String f : files.subList(0, files.size() - 1)) {
            assertSameBytes(f, true);
        }
        assertSameBytes(files.get(files.size() - 1), false);
        assertThat(new BinlogChain(archive.list()).from(new BinlogPosition(files.get(0), 4)).gap()).isEmpty();
    }

    @Test
    void aServerRestartLeavesNoGapAndACaptureRestartNoDuplicate() throws Exception {
        BinlogCapture capture = capture();
        insert(30, 200);
        awaitHoldsAll(capture);
        db.cluster().stop(Duration.ofMinutes(1));
        db.cluster().start(Duration.ofMinutes(1));
        insert(30, 200);
        awaitHoldsAll(capture);
        capture.close();
        insert(30, 200); // while nobody captures
        BinlogCapture again = capture();
        insert(10, 200);
        awaitHoldsAll(again);

        List<String> files = serverFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        for (String f : files.subList(0, files.size() - 1)) {
            assertSameBytes(f, true);
        }
        assertSameBytes(files.get(files.size() - 1), false);
    }

    @Test
    void aLongIdleServerIsHeldUpToNowByHeartbeatsOnOneConnection() throws Exception {
        BinlogCapture capture = capture();
        insert(5, 10);
        awaitHoldsAll(capture);
        Thread.sleep(BinlogCapture.SILENCE.plusSeconds(3).toMillis()); // longer than a dead connection is allowed
        Instant before = Instant.now();
        await().atMost(Duration.ofSeconds(5)).until(() -> capture.caughtUpAt().map(t -> t.isAfter(before))
                .orElse(false));
        assertThat(capture.lastError()).isEmpty();
        assertThat(capture.sessions()).as("heartbeats kept the one connection alive").isEqualTo(1);
        insert(1, 10);
        awaitHoldsAll(capture);
    }

    @Test
    void logsPurgedWhileNobodyCapturedAreAReportedGapAndTheCaptureGoesOn() throws Exception {
        BinlogCapture capture = capture();
        insert(10, 100);
        awaitHoldsAll(capture);
        capture.close();
        insert(10, 100); // binlog.000001 goes on without a capture
        sql("FLUSH BINARY LOGS");
        insert(10, 100);
        sql("FLUSH BINARY LOGS");
        sql("PURGE BINARY LOGS TO 'binlog.000003'");
        BinlogCapture again = capture();
        insert(3, 100);
        awaitHoldsAll(again);
        assertThat(again.lastError()).isEmpty();
        BinlogChain chain = new BinlogChain(archive.list());
        assertThat(chain.from(BinlogPosition.parse("binlog.000001:4")).gap()).as("the unseen end of binlog.000001 and all of .000002")
                .isPresent();
        assertThat(chain.from(BinlogPosition.parse("binlog.000003:4")).gap()).isEmpty();
        assertSameBytes("binlog.000003", false);
    }

    @Test
    void aLargeFileIsStoredInChunksAndThePiecesInsideThemAreDropped() throws Exception {
        BinlogCapture capture = capture();
        insert(40, 600_000); // ~24 MB of row events: more than one chunk
        sql("FLUSH BINARY LOGS");
        awaitHoldsAll(capture);
        String first = serverFiles().get(0);
        assertSameBytes(first, true);
        List<BinlogPiece> objects = archive.file(first);
        assertThat(objects).as("a chunk and the sealing chunk, the pieces inside them dropped").hasSizeLessThan(6);
        assertThat(objects.stream().filter(BinlogPiece::sealed)).hasSize(1);
    }

    void awaitHoldsAll(BinlogCapture capture) throws Exception {
        String end = serverEnd();
        assertThat(capture.awaitDurable(BinlogPosition.parse(end), Duration.ofSeconds(20))).as("durable up to " + end).isTrue();
    }

    String serverEnd() throws SQLException {
        try (Connection c = db.connectAdmin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1) + ":" + rs.getLong(2);
        }
    }

    List<String> serverFiles() throws SQLException {
        List<String> files = new ArrayList<>();
        try (Connection c = db.connectAdmin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    void assertSameBytes(String file, boolean sealed) throws Exception {
        byte[] server = Files.readAllBytes(db.cluster().dataDir().resolve(file));
        BinlogChain.FileReach reach = new BinlogChain(archive.list()).files().stream()
                .filter(f -> f.file().equals(file)).findFirst().orElseThrow();
        assertThat(reach.sealed()).as(file + " sealed").isEqualTo(sealed);
        Path staged = archive.stage(file, reach.reach(), Files.createDirectories(tmp.resolve("staged-" + file)));
        byte[] ours = Files.readAllBytes(staged);
        assertThat(ours.length).as(file + " length").isEqualTo(server.length);
        if (!sealed) {
            int flags = 4 + 17; // the format description's flags: the server's open file says "in use"
            assertThat(server[flags] & BinlogEvent.FLAG_IN_USE).isEqualTo(BinlogEvent.FLAG_IN_USE);
            assertThat(ours[flags] & BinlogEvent.FLAG_IN_USE).isZero();
            server = server.clone();
            server[flags] &= ~BinlogEvent.FLAG_IN_USE;
        }
        assertThat(Arrays.equals(ours, server)).as(file + " byte for byte").isTrue();
    }

    void insert(int rows, int noteLength) throws SQLException {
        try (Connection c = db.connectAdmin(); var ps = c.prepareStatement("INSERT INTO shop.orders (note) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, "x".repeat(noteLength));
                ps.executeUpdate();
            }
        }
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }
}
