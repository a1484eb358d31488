package dev.hindsight.engine.postgres;

import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestorePlanner;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.plan.RetentionPlan;
import dev.hindsight.plan.RetentionPlanner;
import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time is counted in hours from T0, and the model server writes one WAL segment per hour:
 * segment h holds hour h and is sealed at the end of it. A backup taken at hour h starts in
 * segment h and is consistent five minutes later.
 */
class WalRetentionPlanTest {
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    static Instant hour(long h) {
        return T0.plus(Duration.ofHours(h));
    }

    static BackupRecord full(String id, long h) {
        return BackupRecord.running(id, "srv", BackupKind.FULL, hour(h))
                .completed(hour(h).plusSeconds(300), hour(h).plusSeconds(300), Lsn.of(h, 40).toString(),
                        Lsn.of(h, 100).toString(), 1, 10, 100, 10);
    }

    /** A differential against {@code base}, taken at hour h like a full. */
    static BackupRecord diff(String id, String base, long h) {
        return BackupRecord.running(id, "srv", BackupKind.DIFF, base, hour(h), null)
                .completed(hour(h).plusSeconds(300), hour(h).plusSeconds(300), Lsn.of(h, 40).toString(),
                        Lsn.of(h, 100).toString(), 1, 10, 5, 1);
    }

    /** Weekly fulls (w0, w1, …) with differentials every 12 hours between them, up to {@code hours}. */
    static List<BackupRecord> weeklyWithDiffs(int hours) {
        List<BackupRecord> out = new ArrayList<>();
        String full = null;
        for (int h = 0; h < hours; h += 12) {
            if (h % 168 == 0) {
                full = "w" + h / 168;
                out.add(full(full, h));
            } else {
                out.add(diff("d" + h, full, h));
            }
        }
        return out;
    }

    static BackupRecord failed(String id, long h) {
        return BackupRecord.running(id, "srv", BackupKind.FULL, hour(h)).failed(hour(h).plusSeconds(60), "disk full");
    }

    static RetentionPlan plan(List<BackupRecord> backups, List<WalFile> wal, RetentionPolicy policy, Instant now) {
        return RetentionPlanner.plan(backups, new WalChain(wal), policy, now);
    }

    static List<WalFile> wal(long fromHour, long toHour) {
        List<WalFile> out = new ArrayList<>();
        for (long h = fromHour; h < toHour; h++) {
            out.add(new WalFile(1, h, 0, Lsn.SEGMENT_SIZE, hour(h + 1)));
        }
        return out;
    }

    /** Daily fulls at midnight for {@code days} days. */
    static List<BackupRecord> dailyFulls(int days) {
        List<BackupRecord> out = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            out.add(full("d" + d, d * 24L));
        }
        return out;
    }

    static List<String> ids(List<RetentionPlan.Decision<BackupRecord>> decisions) {
        return decisions.stream().map(d -> d.item().id()).toList();
    }

    @ParameterizedTest(name = "retention {0} d at day 10 noon → anchor {1}, {2} fulls deleted")
    @CsvSource({
            "7,  d3, 3",   // window starts day 3 noon: the day-3 full is the newest before it
            "3,  d7, 7",
            "1,  d9, 9",
            "14, d0, 0",   // the window reaches before the first full: keep everything
            "35, d0, 0",
    })
    void dailyFullsKeepTheNewestFullBeforeTheWindowAndEverythingAfter(int days, String anchor, int deleted) {
        Instant now = hour(10 * 24 + 12);
        RetentionPlan plan = plan(dailyFulls(10), wal(0, 252), new RetentionPolicy(days), now);
        assertThat(plan.anchor().orElseThrow().id()).isEqualTo(anchor);
        assertThat(plan.deleteBackups()).hasSize(deleted);
        assertThat(plan.keepBackups()).hasSize(10 - deleted);
        long anchorHour = Long.parseLong(anchor.substring(1)) * 24;
        assertThat(plan.deleteWal()).hasSize((int) anchorHour)
                .allMatch(d -> ((WalFile) d.item()).segno() < anchorHour);
        assertThat(plan.earliestRestorePoint()).contains(hour(anchorHour).plusSeconds(300));
    }

    @Test
    void growingTheWindowDeletesNothingThatShrinkingWouldKeep() {
        Instant now = hour(10 * 24 + 12);
        RetentionPlan seven = plan(dailyFulls(10), wal(0, 252), new RetentionPolicy(7), now);
        RetentionPlan fourteen = plan(dailyFulls(10), wal(0, 252), new RetentionPolicy(14), now);
        RetentionPlan three = plan(dailyFulls(10), wal(0, 252), new RetentionPolicy(3), now);
        assertThat(ids(seven.deleteBackups())).containsAll(ids(fourteen.deleteBackups()));
        assertThat(ids(three.deleteBackups())).containsAll(ids(seven.deleteBackups()));
        assertThat(three.deleteWal().size()).isGreaterThan(seven.deleteWal().size());
    }

    @Test
    void weeklyFullsWithARetentionChangeMidWeekStillCoverTheWindow() {
        // fulls every Sunday (hours 0, 168, 336), now Wednesday of the third week
        List<BackupRecord> weekly = List.of(full("w0", 0), full("w1", 168), full("w2", 336));
        Instant wednesday = hour(336 + 3 * 24);
        RetentionPlan before = plan(weekly, wal(0, 408), new RetentionPolicy(7), wednesday);
        assertThat(before.anchor().orElseThrow().id()).as("7 days back is the previous Wednesday: w1 covers it")
                .isEqualTo("w1");
        RetentionPlan after = plan(weekly, wal(0, 408), new RetentionPolicy(2), wednesday);
        assertThat(after.anchor().orElseThrow().id()).isEqualTo("w2");
        assertThat(ids(after.deleteBackups())).containsExactly("w0", "w1");
        assertThat(after.earliestRestorePoint().orElseThrow()).isBefore(wednesday.minus(Duration.ofDays(2)));
    }

    @Test
    void failedFullsGoOnceBeforeTheWindowRunningOnesNeverDo() {
        List<BackupRecord> backups = new ArrayList<>(dailyFulls(10));
        backups.add(failed("f-old", 24 + 6));
        backups.add(failed("f-new", 9 * 24 + 6));
        backups.add(BackupRecord.running("r", "srv", BackupKind.FULL, hour(10 * 24 + 11)));
        RetentionPlan plan = plan(backups, wal(0, 252), new RetentionPolicy(7), hour(10 * 24 + 12));
        assertThat(ids(plan.deleteBackups())).contains("f-old").doesNotContain("f-new", "r");
        assertThat(ids(plan.keepBackups())).contains("f-new", "r");
        assertThat(plan.deleteBackups()).filteredOn(d -> d.item().id().equals("f-old"))
                .singleElement().extracting(RetentionPlan.Decision::reason).asString().contains("failed");
    }

    @Test
    void aFullThatFailedIsNeverTheAnchor() {
        List<BackupRecord> backups = List.of(full("d0", 0), failed("d3", 72), full("d6", 144));
        RetentionPlan plan = plan(backups, wal(0, 200), new RetentionPolicy(4), hour(8 * 24));
        assertThat(plan.anchor().orElseThrow().id()).isEqualTo("d0");
        assertThat(plan.deleteWal()).isEmpty();
    }

    @Test
    void aDifferentialIsTheAnchorAndKeepsItsFull() {
        // w0 at hour 0, differentials every 12 h; now day 5, 2 days kept: the window starts at hour 72
        RetentionPlan plan = plan(weeklyWithDiffs(120), wal(0, 120), new RetentionPolicy(2), hour(120));
        assertThat(plan.anchor().orElseThrow().id()).as("newest backup consistent before hour 72").isEqualTo("d60");
        assertThat(ids(plan.keepBackups())).contains("w0", "d60", "d72", "d108").doesNotContain("d12", "d48");
        assertThat(plan.keepBackups()).filteredOn(d -> d.item().id().equals("w0")).singleElement()
                .extracting(RetentionPlan.Decision::reason).asString().contains("differential").contains("rests on");
        assertThat(ids(plan.deleteBackups())).containsExactlyInAnyOrder("d12", "d24", "d36", "d48");
        assertThat(plan.deleteWal()).as("WAL from the anchor differential's start stays").hasSize(60);
    }

    @Test
    void differentialsGoWithTheirExpiredFull() {
        // two weeks of fulls and differentials; now hour 400, 3 days kept: window starts at hour 328
        RetentionPlan plan = plan(weeklyWithDiffs(400), wal(0, 400), new RetentionPolicy(3), hour(400));
        assertThat(plan.anchor().orElseThrow().id()).as("a differential of w1").isEqualTo("d324");
        List<String> deleted = ids(plan.deleteBackups());
        assertThat(deleted).as("w0 with all its differentials, and w1's older than the anchor")
                .contains("w0", "d12", "d156", "d180", "d312").doesNotContain("w1", "d324");
        assertThat(ids(plan.keepBackups())).contains("w1", "d324", "w2", "d348").doesNotContain("w0");
        // a differential left behind without its full (e.g. by an older purge) goes too, and says why
        List<BackupRecord> orphaned = new ArrayList<>(weeklyWithDiffs(400));
        orphaned.removeIf(b -> b.id().equals("w1"));
        RetentionPlan again = plan(orphaned, wal(0, 400), new RetentionPolicy(35), hour(400));
        assertThat(again.deleteBackups()).filteredOn(d -> d.item().id().equals("d180")).singleElement()
                .extracting(RetentionPlan.Decision::reason).asString().contains("full backup w1 is gone");
    }

    @Test
    void aRunningDifferentialKeepsItsFull() {
        List<BackupRecord> backups = new ArrayList<>(List.of(full("w0", 0), full("w1", 168)));
        backups.add(BackupRecord.running("r", "srv", BackupKind.DIFF, "w0", hour(170), null));
        RetentionPlan plan = plan(backups, wal(0, 200), new RetentionPolicy(1), hour(200));
        assertThat(plan.anchor().orElseThrow().id()).isEqualTo("w1");
        assertThat(ids(plan.keepBackups())).contains("w0", "r", "w1");
        assertThat(plan.deleteBackups()).isEmpty();
    }

    @Test
    void noBackupsDeletesNothing() {
        RetentionPlan plan = plan(List.of(), wal(0, 50), new RetentionPolicy(1), hour(100));
        assertThat(plan.deletesNothing()).isTrue();
        assertThat(plan.anchor()).isEmpty();
    }

    /**
     * Restore-window truth: after applying the plan, every instant from the window's start (or the
     * first backup, if later) to the latest WAL is still restorable, for seeded random schedules.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
    void everyInstantOfTheWindowStaysRestorableAfterThePurge(long seed) {
        Random random = new Random(seed);
        int hours = 24 * (10 + random.nextInt(40));
        List<BackupRecord> backups = new ArrayList<>();
        String lastFull = null;
        for (int h = random.nextInt(24); h < hours - 1; h += 6 + random.nextInt(60)) {
            int roll = random.nextInt(6);
            if (roll == 0) {
                backups.add(failed("f" + h, h));
            } else if (roll <= 2 && lastFull != null) {
                backups.add(diff("d" + h, lastFull, h));
            } else {
                lastFull = "b" + h;
                backups.add(full(lastFull, h));
            }
        }
        List<WalFile> wal = wal(0, hours);
        Instant now = hour(hours);
        RetentionPolicy policy = new RetentionPolicy(1 + random.nextInt(35));
        RetentionPlan plan = plan(backups, wal, policy, now);

        Set<String> deleted = new HashSet<>(ids(plan.deleteBackups()));
        List<BackupRecord> keptBackups = backups.stream().filter(b -> !deleted.contains(b.id())).toList();
        assertThat(keptBackups).as("every kept differential keeps its full")
                .allMatch(b -> b.baseBackupId() == null || !deleted.contains(b.baseBackupId()));
        Set<Object> deletedWal = new HashSet<>(plan.deleteWal().stream().map(RetentionPlan.Decision::item).toList());
        List<WalFile> keptWal = wal.stream().filter(f -> !deletedWal.contains(f)).toList();

        Instant firstConsistent = backups.stream().filter(BackupRecord::isCompleted)
                .map(BackupRecord::consistentAt).min(Instant::compareTo).orElse(null);
        if (firstConsistent == null) {
            assertThat(plan.deletesNothing()).isTrue();
            return;
        }
        Instant from = firstConsistent.isAfter(plan.windowStart()) ? firstConsistent : plan.windowStart();
        RestoreWindow after = RestorePlanner.window(keptBackups, new WalChain(keptWal), null).orElseThrow();
        assertThat(after.earliest()).as("seed %d, retention %d", seed, policy.retentionDays())
                .isBeforeOrEqualTo(from);
        assertThat(after.latest()).isEqualTo(now);
        for (int i = 0; i < 20; i++) {
            long span = Duration.between(from, now).toSeconds();
            Instant t = from.plusSeconds((long) (random.nextDouble() * span));
            RestorePlan restore = RestorePlanner.plan("s", "srv", keptBackups, new WalChain(keptWal), null,
                    RestoreRequest.at(t), now);
            assertThat(deleted).doesNotContain(restore.backup().id());
        }
    }
}
