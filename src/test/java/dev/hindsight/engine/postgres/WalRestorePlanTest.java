package dev.hindsight.engine.postgres;

import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestorePlanner;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The neutral restore planner over PostgreSQL's WAL chain, and the WAL a plan stages. */
class WalRestorePlanTest {
    static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
    static final long SEG = Lsn.SEGMENT_SIZE;

    /** Segment n sealed at T0 + 60 s·n; backup taken in segment 2, consistent at T0 + 130 s. */
    static List<WalFile> sealed(int from, int to) {
        List<WalFile> out = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            out.add(new WalFile(1, n, 0, SEG, T0.plusSeconds(60L * n)));
        }
        return out;
    }

    static BackupRecord full(String id, long startSegno, long stopSegno, Instant consistentAt) {
        return BackupRecord.running(id, "srv", BackupKind.FULL, consistentAt.minusSeconds(5))
                .completed(consistentAt, consistentAt, Lsn.of(startSegno, 40).toString(),
                        Lsn.of(stopSegno, 100).toString(), 1, 10, 100, 10);
    }

    static RestorePlan plan(List<BackupRecord> backups, List<WalFile> wal, RestoreRequest r) {
        return RestorePlanner.plan("prod", "srv", backups, new WalChain(wal), null, r, T0.plusSeconds(3600));
    }

    static List<WalChain.Segment> segments(RestorePlan plan) {
        return WalStaging.of(plan).segments();
    }

    @Test
    void timeInsideWindowUsesNewestBackupConsistentBeforeItAndStagesPastTheTarget() {
        List<BackupRecord> backups = List.of(full("b1", 2, 2, T0.plusSeconds(130)),
                full("b2", 5, 5, T0.plusSeconds(310)));
        RestorePlan p = plan(backups, sealed(0, 10), RestoreRequest.at(T0.plusSeconds(400)));
        assertThat(p.backup().id()).isEqualTo("b2");
        assertThat(segments(p)).extracting(WalChain.Segment::segno).containsExactly(5L, 6L, 7L);
        assertThat(p.pointInTime()).isEqualTo(T0.plusSeconds(400));
    }

    @Test
    void aDifferentialShortensTheLogToReplayAndNeedsItsFull() {
        BackupRecord diff = BackupRecord.running("d1", "srv", BackupKind.DIFF, "b1", T0.plusSeconds(365), null)
                .completed(T0.plusSeconds(370), T0.plusSeconds(370), Lsn.of(6, 40).toString(),
                        Lsn.of(6, 100).toString(), 1, 10, 5, 1);
        List<BackupRecord> backups = List.of(full("b1", 2, 2, T0.plusSeconds(130)), diff);
        RestorePlan p = plan(backups, sealed(0, 10), RestoreRequest.at(T0.plusSeconds(400)));
        assertThat(p.backup().id()).isEqualTo("d1");
        assertThat(segments(p)).extracting(WalChain.Segment::segno).containsExactly(6L, 7L);
        assertThat(plan(backups, sealed(0, 10), RestoreRequest.at(T0.plusSeconds(300))).backup().id())
                .as("before the differential is consistent: the full").isEqualTo("b1");

        List<BackupRecord> withoutFull = List.of(full("b0", 1, 1, T0.plusSeconds(70)), diff);
        assertThat(plan(withoutFull, sealed(0, 10), RestoreRequest.at(T0.plusSeconds(400))).backup().id())
                .as("a differential whose full is gone restores nothing").isEqualTo("b0");
        assertThatThrownBy(() -> plan(withoutFull, sealed(0, 10), RestoreRequest.backup("d1")))
                .isInstanceOf(HindsightException.class).hasMessageContaining("needs full backup b1");
    }

    @Test
    void timeBeforeSecondBackupUsesFirst() {
        List<BackupRecord> backups = List.of(full("b1", 2, 2, T0.plusSeconds(130)),
                full("b2", 5, 5, T0.plusSeconds(310)));
        RestorePlan p = plan(backups, sealed(0, 10), RestoreRequest.at(T0.plusSeconds(300)));
        assertThat(p.backup().id()).isEqualTo("b1");
        assertThat(segments(p).get(0).segno()).isEqualTo(2);
        assertThat(segments(p).get(segments(p).size() - 1).segno()).as("one segment past the target, for the margin").isEqualTo(6);
    }

    @Test
    void edgesOfTheWindowAreRestorable() {
        List<BackupRecord> backups = List.of(full("b1", 2, 2, T0.plusSeconds(130)));
        List<WalFile> wal = sealed(0, 10);
        assertThat(plan(backups, wal, RestoreRequest.at(T0.plusSeconds(130))).backup().id()).isEqualTo("b1");
        assertThat(segments(plan(backups, wal, RestoreRequest.at(T0.plusSeconds(600))))).hasSize(9);
        RestoreWindow w = RestorePlanner.window(backups, new WalChain(wal), null).orElseThrow();
        assertThat(w).isEqualTo(new RestoreWindow(T0.plusSeconds(130), T0.plusSeconds(600)));
    }

    @Test
    void earliestStopsAtTheBackupsConsistentPoint() {
        RestorePlan p = plan(List.of(full("b1", 2, 3, T0.plusSeconds(190))), sealed(0, 10), RestoreRequest.earliest());
        assertThat(segments(p)).extracting(WalChain.Segment::segno).containsExactly(2L, 3L);
        assertThat(p.pointInTime()).isEqualTo(T0.plusSeconds(190));
    }

    @Test
    void latestTakesEverythingAndTheOpenTail() {
        List<WalFile> wal = new ArrayList<>(sealed(0, 4));
        wal.add(new WalFile(1, 5, 0, 8192, T0.plusSeconds(301)));
        wal.add(new WalFile(1, 5, 8192, 16384, T0.plusSeconds(302)));
        RestorePlan p = plan(List.of(full("b1", 2, 2, T0.plusSeconds(130))), wal, RestoreRequest.latest());
        assertThat(segments(p)).extracting(WalChain.Segment::segno).containsExactly(2L, 3L, 4L, 5L);
        assertThat(segments(p).get(3).reach()).isEqualTo(16384);
        assertThat(p.pointInTime()).isEqualTo(T0.plusSeconds(302));
    }

    @Test
    void caughtUpHeartbeatExtendsTheWindowOfAnIdleServer() {
        Instant heartbeat = T0.plusSeconds(1000);
        RestorePlan p = RestorePlanner.plan("prod", "srv", List.of(full("b1", 2, 2, T0.plusSeconds(130))),
                new WalChain(sealed(0, 4)), heartbeat, RestoreRequest.at(T0.plusSeconds(900)), T0.plusSeconds(3600));
        assertThat(segments(p)).extracting(WalChain.Segment::segno).containsExactly(2L, 3L, 4L);
    }

    @Test
    void outsideTheWindowIsRefusedNamingTheWindow() {
        List<BackupRecord> backups = List.of(full("b1", 2, 2, T0.plusSeconds(130)));
        assertThatThrownBy(() -> plan(backups, sealed(0, 10), RestoreRequest.at(T0.plusSeconds(129))))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("outside the restore window")
                .hasMessageContaining("earliest 2026-11-21T09:02:10Z, latest 2026-11-21T09:10:00Z");
        assertThatThrownBy(() -> plan(backups, sealed(0, 10), RestoreRequest.at(T0.plusSeconds(601))))
                .hasMessageContaining("outside the restore window");
    }

    @Test
    void futureIsRefused() {
        assertThatThrownBy(() -> plan(List.of(full("b1", 2, 2, T0.plusSeconds(130))), sealed(0, 10),
                RestoreRequest.at(T0.plusSeconds(7200)))).hasMessageContaining("is in the future");
    }

    @Test
    void noCompletedBackupMeansNoRestorePoint() {
        BackupRecord running = BackupRecord.running("b1", "srv", BackupKind.FULL, T0);
        assertThatThrownBy(() -> plan(List.of(running), sealed(0, 10), RestoreRequest.latest()))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("has no restore point yet: its first full backup is still running");
    }

    @Test
    void backupWhoseWalNeverReachedItsStopIsNotARestorePoint() {
        assertThatThrownBy(() -> plan(List.of(full("b1", 2, 6, T0.plusSeconds(370))), sealed(0, 5),
                RestoreRequest.latest())).hasMessageContaining("no restore point");
    }

    @Test
    void gapInTheLogChainIsReportedNotPaperedOver() {
        List<WalFile> wal = new ArrayList<>(sealed(0, 4));
        wal.addAll(sealed(6, 10));
        List<BackupRecord> backups = List.of(full("b1", 2, 2, T0.plusSeconds(130)),
                full("b2", 7, 7, T0.plusSeconds(430)));
        assertThatThrownBy(() -> plan(backups, wal, RestoreRequest.at(T0.plusSeconds(350))))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("falls in a gap")
                .hasMessageContaining("000000010000000000000005 is missing");
        assertThat(plan(backups, wal, RestoreRequest.at(T0.plusSeconds(200))).backup().id()).isEqualTo("b1");
        assertThat(RestorePlanner.window(backups, new WalChain(wal), null).orElseThrow().earliest())
                .as("the window is what is contiguous with the latest point").isEqualTo(T0.plusSeconds(430));
        assertThat(plan(backups, wal, RestoreRequest.at(T0.plusSeconds(500))).backup().id()).isEqualTo("b2");
    }

    @Test
    void aSingleBackupRestoresToItsConsistentPointWithItsOwnLogOnly() {
        List<WalFile> wal = new ArrayList<>(sealed(2, 3));
        wal.addAll(sealed(8, 10));
        List<BackupRecord> backups = List.of(full("ltr", 2, 3, T0.plusSeconds(190)), full("b2", 8, 8, T0.plusSeconds(490)));
        RestorePlan p = plan(backups, wal, RestoreRequest.backup("ltr"));
        assertThat(p.backup().id()).isEqualTo("ltr");
        assertThat(segments(p)).extracting(WalChain.Segment::segno).containsExactly(2L, 3L);
        assertThat(p.pointInTime()).isEqualTo(T0.plusSeconds(190));
        assertThatThrownBy(() -> plan(backups, sealed(2, 2), RestoreRequest.backup("ltr")))
                .hasMessageContaining("is not in the repository");
        assertThatThrownBy(() -> plan(backups, wal, RestoreRequest.backup("nope"))).hasMessageContaining("no backup nope");
    }

    @Test
    void piecesWithAHoleStopTheChainThere() {
        List<WalFile> wal = new ArrayList<>(sealed(0, 2));
        wal.add(new WalFile(1, 3, 0, 8192, T0.plusSeconds(181)));
        wal.add(new WalFile(1, 3, 16384, 24576, T0.plusSeconds(183)));
        RestorePlan p = plan(List.of(full("b1", 1, 1, T0.plusSeconds(70))), wal, RestoreRequest.latest());
        assertThat(segments(p).get(segments(p).size() - 1).reach()).isEqualTo(8192);
        assertThat(p.pointInTime()).isEqualTo(T0.plusSeconds(181));
    }

    @Test
    void newerTimelineVersionOfASegmentWins() {
        List<WalFile> wal = new ArrayList<>(sealed(0, 3));
        wal.add(new WalFile(2, 3, 0, SEG, T0.plusSeconds(200)));
        wal.add(new WalFile(2, 4, 0, SEG, T0.plusSeconds(260)));
        RestorePlan p = plan(List.of(full("b1", 2, 2, T0.plusSeconds(130))), wal, RestoreRequest.latest());
        assertThat(segments(p)).extracting(WalChain.Segment::timeline).containsExactly(1, 2, 2);
        assertThat(WalStaging.of(p).timelines()).containsExactly(1, 2);
    }
}
