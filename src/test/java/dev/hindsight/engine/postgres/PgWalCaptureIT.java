package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import dev.hindsight.testing.TestPostgres;
import dev.hindsight.util.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Continuous WAL capture from a real PostgreSQL 15 into a real repository. */
class PgWalCaptureIT {
    static TestPostgres pg;

    @TempDir
    Path tmp;
    final List<PgWalCapture> captures = new ArrayList<>();
    final List<String> slots = new ArrayList<>();

    @BeforeAll
    static void up() {
        pg = TestPostgres.start();
        // keep old segments in pg_wal so sealed segments can be compared with the server's files
        pg.runSql("ALTER SYSTEM SET wal_keep_size = '2GB'", "SELECT pg_reload_conf()");
        pg.pgbenchInit(1);
    }

    @AfterAll
    static void down() {
        if (pg != null) {
            pg.close();
        }
    }

    @AfterEach
    void stopCaptures() {
        captures.forEach(PgWalCapture::close);
        for (String slot : slots) { // the walsender may take a moment to let go of the slot
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                pg.runSql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
                return true;
            });
        }
    }

    private WalArchive archive(String serverId) throws Exception {
        Repository repo = Repository.openOrCreate(new FileStore(tmp.resolve("repo")), "pw".toCharArray());
        return new WalArchive(repo, serverId);
    }

    private PgWalCapture startCapture(WalArchive archive, String slot) {
        PgWalCapture capture = new PgWalCapture(pg::connectReplication, archive, slot);
        captures.add(capture);
        if (!slots.contains(slot)) {
            slots.add(slot);
        }
        capture.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> capture.state() == PgWalCapture.State.STREAMING);
        return capture;
    }

    private static void awaitDurable(PgWalCapture capture, Lsn target, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(10))
                .until(() -> capture.durableLsn() != null && !capture.durableLsn().isBefore(target));
    }

    @Test
    void underLoadSealedSegmentsAreByteIdenticalToTheServers() throws Exception {
        WalArchive archive = archive("load");
        PgWalCapture capture = startCapture(archive, "hs_load");
        Lsn before = pg.currentWalLsn();

        pg.pgbenchInit(3); // bulk COPY: ~3 segments of WAL quickly, then the transactional load
        Processes.Result load = TestPostgres.awaitLoad(pg.pgbenchLoad(4, Duration.ofSeconds(15), true), Duration.ofSeconds(60));
        Lsn after = pg.currentWalLsn();
        System.out.println("pgbench: " + load.output().lines().filter(l -> l.startsWith("tps")).findFirst().orElse("?")
                + ", WAL " + before + " .. " + after);
        awaitDurable(capture, after, Duration.ofSeconds(10));

        int compared = ArchiveChecks.assertContiguousAndIdentical(archive, 1, pg.cluster().dataDir().resolve("pg_wal"),
                tmp.resolve("stage"));
        assertThat(after.segment() - before.segment()).as("the load must span segments to test sealing").isGreaterThanOrEqualTo(3);
        assertThat(compared).as("sealed segments compared with pg_wal").isGreaterThanOrEqualTo((int) (after.segment() - before.segment()) - 1);
    }

    @Test
    void committedTailReachesTheArchiveWithinTwoSeconds() throws Exception {
        PgWalCapture capture = startCapture(archive("tail"), "hs_tail");
        pg.runSql("CREATE TABLE IF NOT EXISTS tail_probe (id serial, at timestamptz default now())");
        long worstMillis = 0;
        for (int i = 0; i < 8; i++) {
            pg.runSql("INSERT INTO tail_probe DEFAULT VALUES");
            Lsn committed = pg.currentWalLsn();
            long t0 = System.nanoTime();
            awaitDurable(capture, committed, Duration.ofSeconds(2));
            worstMillis = Math.max(worstMillis, (System.nanoTime() - t0) / 1_000_000);
            Thread.sleep(150 * i); // land at different points of the flush cycle
        }
        System.out.println("worst commit-to-archive latency: " + worstMillis + " ms");
        assertThat(capture.lastCaughtUpAt()).isPresent();
    }

    @Test
    void restartedCaptureLeavesNoGapAndNoDuplicate() throws Exception {
        WalArchive archive = archive("restart");
        pg.runSql("CREATE TABLE IF NOT EXISTS filler (id int, pad text)");
        PgWalCapture first = startCapture(archive, "hs_restart");
        pg.runSql("INSERT INTO filler SELECT g, repeat('x', 500) FROM generate_series(1, 20000) g");
        awaitDurable(first, pg.currentWalLsn(), Duration.ofSeconds(5));
        first.stop(Duration.ofSeconds(30));
        Lsn stoppedAt = first.durableLsn();

        // written while nobody captures: the slot must keep it on the server
        pg.runSql("INSERT INTO filler SELECT g, repeat('y', 500) FROM generate_series(1, 60000) g");
        Lsn written = pg.currentWalLsn();
        assertThat(written.segment()).as("crosses segments while stopped").isGreaterThan(stoppedAt.segment());

        PgWalCapture second = startCapture(archive, "hs_restart");
        awaitDurable(second, written, Duration.ofSeconds(10));
        second.stop(Duration.ofSeconds(30));

        // contiguous pieces (each starting exactly where the previous ended) and one seal per segment:
        // no gap and no byte stored twice, and the segment the first capture stopped in is identical
        int sealed = ArchiveChecks.assertContiguousAndIdentical(archive, 1, pg.cluster().dataDir().resolve("pg_wal"),
                tmp.resolve("stage"));
        assertThat(sealed).isGreaterThanOrEqualTo(1);
        assertThat(archive.segment(1, stoppedAt.segment())).singleElement().satisfies(f -> assertThat(f.sealed()).isTrue());
    }

    @Test
    void slotNeverRunsAheadOfTheArchive() throws Exception {
        WalArchive archive = archive("slot");
        PgWalCapture capture = startCapture(archive, "hs_slot");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger samples = new AtomicInteger();
        AtomicReference<String> violation = new AtomicReference<>();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                String restart = pg.queryString("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = 'hs_slot'");
                try {
                    Lsn durable = archive.durableEnd(1).orElse(Lsn.ZERO); // read after the slot: it only grows
                    if (restart != null && Lsn.parse(restart).isAfter(durable)) {
                        violation.compareAndSet(null, "restart_lsn " + restart + " > archive durable end " + durable);
                    }
                    samples.incrementAndGet();
                } catch (Exception e) {
                    violation.compareAndSet(null, e.toString());
                }
            }
        });
        sampler.start();
        try {
            TestPostgres.awaitLoad(pg.pgbenchLoad(4, Duration.ofSeconds(6), true), Duration.ofSeconds(60));
            awaitDurable(capture, pg.currentWalLsn(), Duration.ofSeconds(10));
        } finally {
            running.set(false);
            sampler.join();
        }
        assertThat(violation.get()).isNull();
        assertThat(samples.get()).isGreaterThan(20);
        // and the slot does follow the archive, so the server can recycle WAL
        await().atMost(Duration.ofSeconds(15)).until(() -> Lsn.parse(pg.queryString(
                "SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = 'hs_slot'")).segment()
                >= capture.durableLsn().segment() - 1);
    }

    @Test
    void survivesAServerRestartWithoutLosingWal() throws Exception {
        WalArchive archive = archive("bounce");
        PgWalCapture capture = startCapture(archive, "hs_bounce");
        pg.runSql("CREATE TABLE IF NOT EXISTS bounce (v int)", "INSERT INTO bounce SELECT generate_series(1, 1000)");
        pg.cluster().stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> capture.state() == PgWalCapture.State.RETRYING);
        pg.cluster().start(Duration.ofSeconds(60));
        pg.runSql("INSERT INTO bounce SELECT generate_series(1, 1000)");
        Lsn written = pg.currentWalLsn();
        awaitDurable(capture, written, Duration.ofSeconds(40));
        capture.stop(Duration.ofSeconds(30));
        assertThat(capture.lastError()).isPresent();
        ArchiveChecks.assertContiguousAndIdentical(archive, 1, pg.cluster().dataDir().resolve("pg_wal"), tmp.resolve("stage"));
    }

}
