package dev.hindsight.control;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Rehearsal;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.Redundancy;
import dev.hindsight.repo.catalog.Verification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When the daemon rehearses a restore: once per interval, counted from the last rehearsal or the server's creation. */
class RehearsalScheduleTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    /** Created 30 days before NOW. */
    private static ServerRecord server(Rehearsal schedule) {
        return new ServerRecord("s1", "prod", "postgres", "17", "42", NOW.minus(Duration.ofDays(30)), null, "a", "p",
                "g", "q", 7, Duration.ofDays(7), null, null, Duration.ofHours(12), null, Redundancy.LOCAL, null, null,
                null, null, schedule, null, null, null);
    }

    private static BackupRecord full(Duration ago, Duration rehearsedAgo) {
        Instant at = NOW.minus(ago);
        BackupRecord b = BackupRecord.running("f" + ago.toHours(), "s1", BackupKind.FULL, null, at.minusSeconds(60), null)
                .completed(at, at, "0/1000000", "0/2000000", 1, 10, 100, 10);
        return rehearsedAgo == null ? b : b.verified(new Verification(Verification.VERIFIED, NOW.minus(rehearsedAgo),
                "ok", 1000));
    }

    @Test
    void weeklyIsDueAWeekAfterTheLastRehearsalAndNotBefore() {
        ServerRecord weekly = server(Rehearsal.WEEKLY);
        assertThat(RehearsalService.isDue(weekly, List.of(full(Duration.ofDays(1), Duration.ofDays(6))), NOW))
                .isFalse();
        assertThat(RehearsalService.isDue(weekly, List.of(full(Duration.ofDays(8), Duration.ofDays(7)),
                full(Duration.ofHours(2), null)), NOW)).isTrue();
    }

    @Test
    void aServerNeverRehearsedWaitsOneIntervalFromItsCreationAndOffNeverRuns() {
        assertThat(RehearsalService.isDue(server(Rehearsal.WEEKLY), List.of(full(Duration.ofDays(1), null)), NOW))
                .as("created 30 days ago").isTrue();
        assertThat(RehearsalService.isDue(server(Rehearsal.WEEKLY), List.of(), NOW)).as("nothing to rehearse")
                .isFalse();
        assertThat(RehearsalService.isDue(server(Rehearsal.OFF), List.of(full(Duration.ofDays(1), null)), NOW))
                .isFalse();
        assertThat(RehearsalService.isDue(server(Rehearsal.DAILY), List.of(full(Duration.ofDays(1),
                Duration.ofHours(23))), NOW)).isFalse();
        assertThat(RehearsalService.isDue(server(Rehearsal.DAILY), List.of(full(Duration.ofDays(1),
                Duration.ofHours(25))), NOW)).isTrue();
    }
}
