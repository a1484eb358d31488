package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import dev.hindsight.testing.TestPostgres;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Processes;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A hot full backup of a real PostgreSQL 15 under pgbench load, restored three ways and compared
 * table by table. WAL comes from archive_command (set for this test only), not the log capture.
 * Timeline of the source: load during backup → checksums at T1 → damage → checksums at T3 → idle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBaseBackupIT {
    private static final String SERVER = "srv-it";
    private static final String BACKUP = "full-1";

    static TestPostgres pg;
    static Repository repo;
    static Path archive;
    static Map<String, String> atT1;
    static Map<String, String> atEnd;
    static Instant t1;
    static Instant t3;

    @BeforeAll
    static void up() throws Exception {
        pg = TestPostgres.start();
        // autovacuum off keeps the source idle after T3, which makes "no commit after the target"
        // certain for the retry test
        archive = pg.archiveWalQuietly();
        pg.pgbenchInit(5);
        repo = Repository.openOrCreate(new FileStore(pg.root().resolve("repo")), "it-pw".toCharArray());
    }

    @AfterAll
    static void down() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    @Order(1)
    void backsUpWhilePgbenchWrites() throws Exception {
        Processes.Running load = pg.pgbenchLoad(2, Duration.ofSeconds(6));
        Thread.sleep(1500);
        AtomicLong read = new AtomicLong();
        Progress progress = (phase, done, total) -> read.accumulateAndGet(done, Math::max);
        long began = System.nanoTime();
        PgBaseBackup.Result r;
        try (Connection agent = pg.connectAgent()) {
            r = new PgBaseBackup(repo, SERVER, 2, progress).run(agent, pg.cluster().dataDir(), BACKUP);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        TestPostgres.awaitLoad(load, Duration.ofMinutes(2));
        System.out.printf("full backup: %d files, %.1f MB read, %.1f MB stored, %.2f s, %.0f MB/s%n", r.fileCount(),
                r.logicalBytes() / 1e6, r.storedBytes() / 1e6, seconds, r.logicalBytes() / 1e6 / seconds);

        assertThat(r.stopLsn()).isGreaterThan(r.startLsn());
        assertThat(r.checkpointLsn()).isGreaterThanOrEqualTo(r.startLsn());
        assertThat(r.timeline()).isEqualTo(1);
        assertThat(r.logicalBytes()).isGreaterThan(70_000_000L);
        assertThat(r.storedBytes()).isLessThan(r.logicalBytes() / 4);
        assertThat(read.get()).isGreaterThanOrEqualTo(r.logicalBytes() * 9 / 10);
        BackupManifest m = PgRestoreMaterializer.readManifest(repo, SERVER, BACKUP);
        assertThat(m.backupLabel()).contains("START WAL LOCATION: " + r.startLsn());
        assertThat(m.files()).extracting(BackupManifest.ManifestFile::path)
                .contains("PG_VERSION", "global/pg_control", "postgresql.conf")
                .doesNotContain("postmaster.pid", "postmaster.opts")
                .noneMatch(p -> p.startsWith("pg_wal/"));
        // the backup session ended cleanly: a second backup can start at once
        try (Connection agent = pg.connectAgent()) {
            agent.createStatement().execute("SELECT pg_backup_start('probe', true)");
            agent.createStatement().execute("SELECT pg_backup_stop(false)");
        }

        atT1 = PgTableChecksums.of(pg::connect);
        t1 = PgTableChecksums.serverNow(pg::connect);
        pg.runSql("DELETE FROM pgbench_accounts WHERE aid % 7 = 0",
                "UPDATE pgbench_branches SET bbalance = bbalance + 1000",
                "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, 1, 42, now())");
        atEnd = PgTableChecksums.of(pg::connect);
        assertThat(atEnd).isNotEqualTo(atT1);
        t3 = PgTableChecksums.serverNow(pg::connect);
        PgTableChecksums.switchWalAndAwaitArchived(pg);
    }

    @Test
    @Order(2)
    void restoresToTheEndOfTheWal() throws Exception {
        PgRestoreRun run = PgRestoreRun.of(pg, repo, SERVER, BACKUP, archive, "latest");
        PgRecovery.Promotion p = run.recover(RecoveryTarget.latest());
        assertThat(run.checksums()).isEqualTo(atEnd);
        assertThat(p.timeline()).isEqualTo(2);
        assertThat(p.replayedToEnd()).isFalse();
        assertThat(Files.readString(run.dataDir().resolve(PgRecoverySettings.FILE))).doesNotContain("restore_command");
        assertThat(run.dataDir().resolve("recovery.signal")).doesNotExist();
        assertThat(run.show("archive_mode")).as("a copy must not archive into the source's archive").isEqualTo("off");
        run.close();
    }

    @Test
    @Order(3)
    void restoresToATimeBeforeTheDamage() throws Exception {
        PgRestoreRun run = PgRestoreRun.of(pg, repo, SERVER, BACKUP, archive, "t1");
        PgRecovery.Promotion p = run.recover(RecoveryTarget.time(t1));
        assertThat(run.checksums()).isEqualTo(atT1);
        assertThat(p.replayedToEnd()).isFalse();
        run.close();
    }

    @Test
    @Order(4)
    void aTargetAfterTheLastCommitReplaysTheStagedWalToItsEnd() throws Exception {
        PgRestoreRun run = PgRestoreRun.of(pg, repo, SERVER, BACKUP, archive, "t3");
        PgRecovery.Promotion p = run.recover(RecoveryTarget.time(t3));
        assertThat(p.replayedToEnd()).as("PostgreSQL refused the target, recovery retried as latest").isTrue();
        assertThat(p.targetUsed()).isEqualTo(RecoveryTarget.latest());
        assertThat(run.checksums()).isEqualTo(atEnd);
        run.close();
    }

    @Test
    @Order(5)
    void aFailedBackupLeavesTheServerAndTheRepositoryClean() throws Exception {
        Repository failing = Repository.open(new BackupFailingStore(new FileStore(pg.root().resolve("repo")), 1),
                "it-pw".toCharArray());
        try (Connection agent = pg.connectAgent()) {
            assertThatThrownBy(() -> new PgBaseBackup(failing, SERVER, 2, Progress.NONE)
                    .run(agent, pg.cluster().dataDir(), "full-2"))
                    .isInstanceOf(HindsightException.class)
                    .hasMessageContaining("base backup full-2 of server " + SERVER + " failed")
                    .hasMessageContaining("injected fault");
            assertThat(repo.list(Layout.backupPrefix(SERVER, "full-2"))).isEmpty();
            // the same session can start a backup again: the failed one was stopped
            agent.createStatement().execute("SELECT pg_backup_start('probe', true)");
            agent.createStatement().execute("SELECT pg_backup_stop(false)");
        }
    }

    @Test
    @Order(6)
    void refusesTablespacesAndStopsTheBackup() throws Exception {
        Path space = Files.createDirectories(pg.root().resolve("space"));
        pg.cluster().osUser().giveOwnership(space);
        pg.runSql("CREATE TABLESPACE it_space LOCATION '" + space + "'");
        try (Connection agent = pg.connectAgent()) {
            assertThatThrownBy(() -> new PgBaseBackup(repo, SERVER).run(agent, pg.cluster().dataDir(), "full-3"))
                    .isInstanceOf(HindsightException.class).hasMessageContaining("tablespaces");
            agent.createStatement().execute("SELECT pg_backup_start('probe', true)");
            agent.createStatement().execute("SELECT pg_backup_stop(false)");
        } finally {
            pg.runSql("DROP TABLESPACE it_space");
        }
    }

    @Test
    @Order(7)
    void refusesANonEmptyTargetAndADamagedBundle() throws Exception {
        Path busy = Files.createDirectories(pg.root().resolve("busy"));
        Files.writeString(busy.resolve("PG_VERSION"), "15");
        assertThatThrownBy(() -> PgRestoreMaterializer.materialize(repo, SERVER, BACKUP, busy, 2, Progress.NONE))
                .isInstanceOf(HindsightException.class).hasMessageContaining("not empty");

        Path bundle = pg.root().resolve("repo").resolve(Layout.bundle(SERVER, BACKUP, 0, 0));
        byte[] bytes = Files.readAllBytes(bundle);
        bytes[bytes.length / 3] ^= 0x40;
        Files.write(bundle, bytes);
        Path target = pg.root().resolve("damaged");
        assertThatThrownBy(() -> PgRestoreMaterializer.materialize(repo, SERVER, BACKUP, target, 2, Progress.NONE))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("backup " + BACKUP + " of server " + SERVER)
                .hasMessageContaining("bundle-00-000000").hasMessageContaining("damaged");
    }
}
