package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import dev.hindsight.testing.TestPostgres;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A capture follows its server onto a new timeline: it streams from a standby, the standby is
 * promoted (timeline 1 → 2), and the archive ends up with timeline 1 up to the switch, the history
 * file of timeline 2, and timeline 2 from the switch segment on — byte-identical to the server's.
 */
class PgTimelineSwitchIT {
    TestPostgres primary;
    Path standbyRoot;
    PgCluster standby;
    PgWalCapture capture;

    @TempDir
    Path tmp;

    @BeforeEach
    void up() throws Exception {
        primary = TestPostgres.start();
        primary.runSql("CREATE TABLE t (v int)", "INSERT INTO t SELECT generate_series(1, 1000)");
        OsUser os = primary.cluster().osUser();
        standbyRoot = Files.createTempDirectory(Path.of("/tmp"), "hindsight-standby-");
        os.giveOwnership(standbyRoot);
        Path data = standbyRoot.resolve("data");
        Processes.run(os.command(List.of(primary.cluster().installation().tool("pg_basebackup").toString(),
                        "-D", data.toString(), "-h", "127.0.0.1", "-p", Integer.toString(primary.port()),
                        "-U", TestPostgres.AGENT, "-X", "stream", "-c", "fast")),
                Map.of("PGPASSWORD", TestPostgres.AGENT_PASSWORD), Path.of("/"), Duration.ofMinutes(2));
        standby = new PgCluster(primary.cluster().installation(), os, data, standbyRoot.resolve("run"), FreePort.find());
        standby.writeManagedConfig(standby.port(), dev.hindsight.engine.ServerProfile.defaults());
        Files.writeString(data.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port="
                + primary.port() + " user=" + TestPostgres.AGENT + " password=" + TestPostgres.AGENT_PASSWORD + "'\n",
                StandardOpenOption.APPEND);
        Files.createFile(data.resolve("standby.signal"));
        os.giveOwnership(data);
        standby.start(Duration.ofSeconds(60));
    }

    @AfterEach
    void down() throws Exception {
        if (capture != null) {
            capture.close();
        }
        try {
            if (standby != null) {
                standby.stop();
            }
        } finally {
            FileTrees.deleteRecursively(standbyRoot);
            primary.close();
        }
    }

    @Test
    void followsAPromotionOntoTheNewTimeline() throws Exception {
        WalArchive archive = archive();
        capture = startCapture(archive);
        primary.runSql("INSERT INTO t SELECT generate_series(1, 100000)");
        Lsn onPrimary = primary.currentWalLsn();
        await().atMost(Duration.ofSeconds(20)).until(() -> capture.durableLsn() != null && !capture.durableLsn().isBefore(onPrimary));
        assertThat(capture.timeline()).isEqualTo(1);

        promoteAndCheck(archive);
    }

    @Test
    void aCaptureDownDuringThePromotionFinishesTheOldTimelineFirst() throws Exception {
        WalArchive archive = archive();
        capture = startCapture(archive);
        primary.runSql("INSERT INTO t SELECT generate_series(1, 10000)");
        Lsn early = primary.currentWalLsn();
        await().atMost(Duration.ofSeconds(20)).until(() -> capture.durableLsn() != null && !capture.durableLsn().isBefore(early));
        capture.stop(Duration.ofSeconds(30));
        Lsn stoppedAt = capture.durableLsn();

        // timeline 1 grows on the standby while nobody captures, then the standby is promoted
        primary.runSql("INSERT INTO t SELECT generate_series(1, 400000)");
        Lsn onPrimary = primary.currentWalLsn();
        await().atMost(Duration.ofSeconds(30)).until(() -> !replayedOnStandby().isBefore(onPrimary));
        assertThat(onPrimary.segment()).isGreaterThan(stoppedAt.segment());

        promote();
        capture = startCapture(archive);
        promoteAndCheck(archive);
        assertThat(archive.durableEnd(1).orElseThrow()).isGreaterThanOrEqualTo(onPrimary);
    }

    private Lsn replayedOnStandby() throws Exception {
        try (Connection c = standby.connect(TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD, "postgres");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_last_wal_replay_lsn()")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private WalArchive archive() throws Exception {
        return new WalArchive(Repository.openOrCreate(new FileStore(tmp.resolve("repo")), "pw".toCharArray()), "sb");
    }

    private PgWalCapture startCapture(WalArchive archive) {
        PgWalCapture c = new PgWalCapture(() -> standby.connectReplication(TestPostgres.AGENT, TestPostgres.AGENT_PASSWORD),
                archive, "hs_sb");
        c.start();
        return c;
    }

    private void promote() {
        if (!standby.dataDir().resolve("standby.signal").toFile().exists()) {
            return;
        }
        Processes.run(standby.osUser().command(List.of(standby.installation().tool("pg_ctl").toString(), "promote",
                "-D", standby.dataDir().toString(), "-w")), Map.of(), Path.of("/"), Duration.ofSeconds(60));
    }

    /** Promotes the standby (if not yet), writes on timeline 2 and checks the archive followed. */
    private void promoteAndCheck(WalArchive archive) throws Exception {
        promote();
        Lsn afterPromotion;
        try (Connection c = standby.connect(TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD, "postgres");
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO t SELECT generate_series(1, 50000)");
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
                rs.next();
                afterPromotion = Lsn.parse(rs.getString(1));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> capture.timeline() == 2
                && capture.durableLsn() != null && !capture.durableLsn().isBefore(afterPromotion));

        TimelineHistory history = TimelineHistory.parse(2,
                Files.readAllBytes(archive.stageHistory(2, Files.createDirectories(tmp.resolve("h")))));
        Lsn switchpoint = history.endOf(1).orElseThrow();
        assertThat(archive.durableEnd(1).orElseThrow()).isGreaterThanOrEqualTo(switchpoint);
        assertThat(archive.list(2).get(0).start()).isEqualTo(switchpoint.segmentStart());
        Path pgWal = standby.dataDir().resolve("pg_wal");
        ArchiveChecks.assertContiguousAndIdentical(archive, 1, pgWal, tmp.resolve("s1"));
        ArchiveChecks.assertContiguousAndIdentical(archive, 2, pgWal, tmp.resolve("s2"));
    }
}
