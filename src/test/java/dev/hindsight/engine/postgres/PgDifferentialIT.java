package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import dev.hindsight.testing.TestPostgres;
import dev.hindsight.util.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Differentials of a real PostgreSQL 15: one after updating about 1 % of a table's pages costs
 * about what changed; full + differential materializes byte for byte what a full taken right
 * after it does; with its WAL it recovers to the same table contents; after a bulk rewrite a
 * full is taken instead. WAL comes from archive_command, as in {@link PgBaseBackupIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgDifferentialIT {
    private static final String SERVER = "srv-diff";

    static TestPostgres pg;
    static Repository repo;
    static Path archive;
    static PgBaseBackup.Result full;
    static PgBaseBackup.Result diff;

    @BeforeAll
    static void up() throws Exception {
        pg = TestPostgres.start();
        // autovacuum off: between the differential and the full after it nothing may touch a page;
        // WAL kept in pg_wal, as Hindsight's replication slot keeps what its capture has not stored
        // (here the capture is archive_command, and the repository holds no WAL)
        pg.runSql("ALTER SYSTEM SET wal_keep_size = '1GB'");
        archive = pg.archiveWalQuietly();
        pg.pgbenchInit(5);
        // read every row once so hint bits are set before the full, as on a server in use
        pg.runSql("VACUUM (FREEZE, ANALYZE)", "CHECKPOINT");
        repo = Repository.openOrCreate(new FileStore(pg.root().resolve("repo")), "it-pw".toCharArray());
        full = backup("full-1", null);
    }

    @AfterAll
    static void down() {
        if (pg != null) {
            pg.close();
        }
    }

    /** A full, or a differential guided by the WAL since its full (found in pg_wal here). */
    static PgBaseBackup.Result backup(String id, String base) throws Exception {
        return backup(id, base, new PgWalSummary(pg.cluster().installation(), new WalArchive(repo, SERVER),
                new PgWalSummaries(repo, SERVER), Optional.empty(), pg.cluster().dataDir()));
    }

    /** With {@code summaries} null a differential reads and compares every page. */
    static PgBaseBackup.Result backup(String id, String base, PgWalSummary summaries) throws Exception {
        long began = System.nanoTime();
        PgBaseBackup.Result r;
        try (Connection agent = pg.connectAgent()) {
            r = new PgBaseBackup(repo, SERVER, 2, Progress.NONE, summaries).run(agent, pg.cluster().dataDir(), id, base);
        }
        System.out.printf("%s backup %s%s: %.1f MB of data, %.2f MB stored in it (%.2f MB encoded), %.2f s%n", r.kind(),
                id, r.walGuided() ? " (WAL-guided)" : "", r.logicalBytes() / 1e6, r.changedBytes() / 1e6,
                r.storedBytes() / 1e6, (System.nanoTime() - began) / 1e9);
        return r;
    }

    @Test
    @Order(1)
    void aDifferentialAfterSmallChangesStoresAboutWhatChanged() throws Exception {
        // ~1 % of pgbench_accounts' rows, in one stretch of pages, plus a few scattered ones
        pg.runSql("UPDATE pgbench_accounts SET abalance = abalance + 7 WHERE aid <= 5000 OR aid % 50000 = 1",
                "UPDATE pgbench_branches SET bbalance = bbalance - 3");
        diff = backup("diff-1", "full-1");
        PgBaseBackup.Result compared = backup("diff-1-read", "full-1", null);

        assertThat(diff.kind()).isEqualTo(BackupManifest.DIFF);
        assertThat(diff.walGuided()).as("the WAL since the full told which pages to read").isTrue();
        assertThat(compared.walGuided()).isFalse();
        assertThat(compared.changedBytes()).as("reading every page finds no more than the WAL named")
                .isLessThanOrEqualTo(diff.changedBytes());
        assertThat(diff.baseBackupId()).isEqualTo("full-1");
        assertThat(diff.note()).isNull();
        assertThat(diff.logicalBytes()).as("a differential restores the whole data directory")
                .isGreaterThan(full.logicalBytes() * 9 / 10);
        assertThat(diff.changedBytes()).as("changed pages, not whole relation files")
                .isLessThan(full.changedBytes() / 20);
        assertThat(diff.storedBytes()).isLessThan(full.storedBytes() / 5);
    }

    @Test
    @Order(2)
    void fullPlusDifferentialIsByteIdenticalToAFullTakenRightAfter() throws Exception {
        // nothing runs between the two: a full now sees the same relation files
        backup("full-2", null);
        assertByteIdentical("diff-1", "full-2");
        assertByteIdentical("diff-1-read", "full-2");
        assertThat(files(materialize("full-2"))).contains("base/5/" + relfilenode("pgbench_accounts"));
    }

    /** Materializes both and compares every file but pg_control and backup_label (the checkpoint, the start). */
    private static void assertByteIdentical(String viaDiffId, String fullId) throws Exception {
        Path viaDiff = materialize(viaDiffId);
        Path viaFull = materialize(fullId);
        List<String> differing = new ArrayList<>();
        List<String> files = files(viaFull);
        assertThat(files(viaDiff)).as(viaDiffId).containsExactlyInAnyOrderElementsOf(files);
        for (String f : files) {
            if (!Arrays.equals(Files.readAllBytes(viaDiff.resolve(f)), Files.readAllBytes(viaFull.resolve(f)))) {
                differing.add(f);
            }
        }
        assertThat(differing).as("files of %s that differ from %s", viaDiffId, fullId)
                .containsOnly("global/pg_control", "backup_label");
    }

    @Test
    @Order(3)
    void aDifferentialWithItsWalRecoversTheSameTables() throws Exception {
        Map<String, String> now = PgTableChecksums.of(pg::connect);
        PgTableChecksums.switchWalAndAwaitArchived(pg);
        try (PgRestoreRun run = PgRestoreRun.of(pg, repo, SERVER, "diff-1", archive, "diff-latest")) {
            run.recover(RecoveryTarget.latest());
            assertThat(run.checksums()).isEqualTo(now);
        }
    }

    @Test
    @Order(4)
    void afterABulkRewriteAFullIsTakenInsteadAndSaysWhy() throws Exception {
        pg.runSql("UPDATE pgbench_accounts SET abalance = abalance + 1");
        PgBaseBackup.Result r = backup("diff-2", "full-2");
        assertThat(r.kind()).isEqualTo(BackupManifest.FULL);
        assertThat(r.baseBackupId()).isNull();
        assertThat(r.note()).contains("differential against full-2 would have stored more than")
                .contains("limit 50 %").contains("full backup was taken instead");
        BackupManifest m = PgRestoreMaterializer.readManifest(repo, SERVER, "diff-2");
        assertThat(m.isFull()).isTrue();
        assertThat(m.files()).allSatisfy(f -> assertThat(f.extents()).allMatch(e -> e.bundle().contains("/diff-2/")));
    }

    @Test
    @Order(5)
    void aFullWithoutABlockMapGetsAFullInsteadOfADifferential() throws Exception {
        repo.delete(dev.hindsight.repo.Layout.blockMap(SERVER, "full-2")); // as a full taken by an older Hindsight
        PgBaseBackup.Result r = backup("diff-3", "full-2");
        assertThat(r.kind()).isEqualTo(BackupManifest.FULL);
        assertThat(r.note()).contains("full backup full-2").contains("has no block map")
                .endsWith("a full backup was taken instead");
    }

    @Test
    @Order(6)
    void walGuidedDifferentialsFollowTruncationsReextensionsAndCopiedDatabases() throws Exception {
        pg.runSql("CREATE TABLE shrinking(id int PRIMARY KEY, note text)",
                "INSERT INTO shrinking SELECT g, repeat('n', 100) FROM generate_series(1, 20000) g", "VACUUM shrinking");
        backup("full-4", null);
        // VACUUM cuts the emptied tail off the file (a TRUNCATE record), the inserts grow it again
        pg.runSql("DELETE FROM shrinking WHERE id > 5000", "VACUUM shrinking",
                "INSERT INTO shrinking SELECT g, 'again' FROM generate_series(5001, 6000) g",
                "CREATE DATABASE copied TEMPLATE template1 STRATEGY FILE_COPY", "CHECKPOINT");
        PgBaseBackup.Result r = backup("diff-4", "full-4");
        assertThat(r.kind()).isEqualTo(BackupManifest.DIFF);
        assertThat(r.walGuided()).isTrue();
        backup("full-5", null);
        assertByteIdentical("diff-4", "full-5");
    }

    @Test
    @Order(7)
    void summariesWrittenAsTheCaptureSealsSegmentsGuideADifferentialAsDecodingWould() throws Exception {
        PgWalSummaries summaries = new PgWalSummaries(repo, SERVER);
        // the bulk rewrite before left every page with dead rows: the next scan would prune them all
        pg.runSql("VACUUM (FREEZE, ANALYZE)", "CHECKPOINT");
        try (PgWalSummarizer summarizer = new PgWalSummarizer(pg.cluster().installation(),
                new WalArchive(repo, SERVER), summaries);
             PgWalCapture capture = new PgWalCapture(pg::connectReplication, new WalArchive(repo, SERVER),
                     PgWalCapture.Options.defaults("hindsight_it_summaries"), Clock.systemUTC(), summarizer)) {
            capture.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> capture.state() == PgWalCapture.State.STREAMING);
            PgBaseBackup.Result base = backup("full-6", null);
            // page changes, and a new table's ~40 MB of WAL: records spanning segment boundaries
            pg.runSql("UPDATE pgbench_accounts SET abalance = abalance - 2 WHERE aid % 500 = 0",
                    "CREATE TABLE bulk AS SELECT g AS id, repeat('b', 200) AS note FROM generate_series(1, 150000) g",
                    "UPDATE pgbench_tellers SET tbalance = tbalance + 1",
                    "SELECT pg_switch_wal()", "UPDATE shrinking SET note = 'later' WHERE id % 97 = 0");
            PgBaseBackup.Result diff = backup("diff-6", "full-6", new PgWalSummary(pg.cluster().installation(),
                    new WalArchive(repo, SERVER), summaries, Optional.of(summarizer), pg.cluster().dataDir()));
            assertThat(diff.kind()).isEqualTo(BackupManifest.DIFF);
            assertThat(diff.walGuided()).isTrue();
            PgWalSummaries.Chain chain = summaries.chain(base.timeline(), base.startLsn());
            assertThat(chain.end()).as("summaries reached the segment the differential switched to")
                    .isGreaterThanOrEqualTo(diff.startLsn().segmentStart());
            assertThat(chain.summaries().size()).as("one per sealed segment or so, records spanning them included")
                    .isGreaterThan(3);

            PgBaseBackup.Result after = backup("full-7", null);
            assertByteIdentical("diff-6", "full-7");

            // every record the summaries cover, decoded in one go from the server's own pg_wal
            // (the backup's stop switched segments: the summaries end at the next one's start)
            Lsn afterStop = Lsn.of(after.stopLsn().segment() + 1, 0);
            assertThat(summarizer.awaitSummarized(base.timeline(), afterStop, Duration.ofSeconds(20))).isTrue();
            PgWalSummaries.Chain all = summaries.chain(base.timeline(), summaries.list(base.timeline()).get(0).start());
            assertThat(all.end()).isEqualTo(afterStop);
            Path staged = Files.createDirectories(pg.root().resolve("wal-for-summary-check"));
            for (long segno = all.summaries().get(0).start().segment(); segno < afterStop.segment(); segno++) {
                String name = Lsn.of(segno, 0).walFileName(base.timeline());
                Files.copy(pg.cluster().dataDir().resolve("pg_wal").resolve(name), staged.resolve(name));
            }
            PgWalDecoder.Decoded once = new PgWalDecoder(pg.cluster().installation()).decode(staged, base.timeline(),
                    all.summaries().get(0).start(), afterStop);
            assertThat(once.reachedEnd()).as(once.error()).isTrue();
            assertThat(summaries.read(all).sameChangesAs(once.changes()))
                    .as("the summaries name exactly the blocks one pg_waldump over the same WAL names").isTrue();
        }
        pg.runSql("SELECT pg_drop_replication_slot('hindsight_it_summaries')");
    }

    @Test
    @Order(8)
    void flushedStretchesAndSealsSummarizeExactlyWhatOneDecodingOfTheSameWalNames() throws Exception {
        String before = pg.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())");
        pg.runSql("CREATE TABLE bulk2 AS SELECT g AS id, repeat('c', 300) AS note FROM generate_series(1, 80000) g",
                "UPDATE pgbench_accounts SET abalance = abalance + 5 WHERE aid % 700 = 0", "SELECT pg_switch_wal()",
                "UPDATE pgbench_branches SET bbalance = bbalance + 1");
        String after = pg.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())");
        int timeline = Integer.parseInt(before.substring(0, 8), 16);
        long first = Lsn.segmentOf(before);
        long last = Lsn.segmentOf(after) - 1; // complete segments only
        assertThat(last - first).as("the WAL spans several segments").isGreaterThanOrEqualTo(2);
        PgWalSummaries summaries = new PgWalSummaries(repo, "srv-flushed");
        try (PgWalSummarizer summarizer = new PgWalSummarizer(pg.cluster().installation(),
                new WalArchive(repo, "srv-flushed"), summaries)) {
            for (long segno = first; segno <= last; segno++) {
                byte[] segment = Files.readAllBytes(pg.cluster().dataDir().resolve("pg_wal")
                        .resolve(Lsn.of(segno, 0).walFileName(timeline)));
                int[] cuts = {0, 1 << 20, (5 << 20) + 123, 9 << 20};
                for (int i = 0; i + 1 < cuts.length; i++) {
                    if (segno == first && i == 0) {
                        continue; // joined mid-segment (as after a restart): nothing until the seal
                    }
                    summarizer.flushed(timeline, segno, cuts[i], cuts[i + 1], segment);
                    awaitQuiet(summarizer);
                }
                if (segno == first + 1) {
                    summarizer.flushed(timeline, segno, 10 << 20, 11 << 20, segment); // a gap: left to the seal
                }
                summarizer.sealed(timeline, segno, segment);
                awaitQuiet(summarizer);
            }
            Lsn end = Lsn.of(last + 1, 0);
            assertThat(summarizer.awaitSummarized(timeline, end, Duration.ofSeconds(20))).isTrue();
            PgWalSummaries.Chain chain = summaries.chain(timeline, Lsn.of(first, 0));
            assertThat(chain.end()).isEqualTo(end);
            Path staged = Files.createDirectories(pg.root().resolve("wal-for-flush-check"));
            for (long segno = first; segno <= last; segno++) {
                String name = Lsn.of(segno, 0).walFileName(timeline);
                Files.copy(pg.cluster().dataDir().resolve("pg_wal").resolve(name), staged.resolve(name));
            }
            PgWalDecoder.Decoded once = new PgWalDecoder(pg.cluster().installation()).decode(staged, timeline,
                    Lsn.of(first, 0), end);
            assertThat(once.reachedEnd()).as(once.error()).isTrue();
            assertThat(once.changes().blocksNamed()).isGreaterThan(1000);
            assertThat(summaries.read(chain).sameChangesAs(once.changes())).isTrue();
        }
    }

    /** The summarizer holds at most two pieces with their bytes: let it take each before the next. */
    private static void awaitQuiet(PgWalSummarizer summarizer) {
        await().atMost(Duration.ofSeconds(20)).until(summarizer::idle);
    }

    private static Path materialize(String backupId) throws Exception {
        Path dir = pg.root().resolve("materialized-" + backupId);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        PgRestoreMaterializer.materialize(repo, SERVER, backupId, dir, 2, Progress.NONE);
        return dir;
    }

    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static String relfilenode(String table) throws Exception {
        try (Connection c = pg.connect(); var rs = c.createStatement()
                .executeQuery("SELECT pg_relation_filenode('" + table + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
