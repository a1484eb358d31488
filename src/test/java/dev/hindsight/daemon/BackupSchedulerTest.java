package dev.hindsight.daemon;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.Redundancy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the scheduler starts for a server: a full when one is due, else a differential when one is due. */
class BackupSchedulerTest {
    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    static ServerRecord server(Duration full, Duration diff) {
        return new ServerRecord("s1", "prod", "postgres", "17", "42", NOW.minus(Duration.ofDays(30)), null, "a", "p",
                "g", "q", 7, full, null, null, diff, null, Redundancy.LOCAL, null, null, null, null, null, null, null, null);
    }

    static BackupRecord completed(String id, BackupKind kind, String base, Duration ago) {
        Instant at = NOW.minus(ago);
        return BackupRecord.running(id, "s1", kind, base, at.minusSeconds(60), null)
                .completed(at, at, "0/1000000", "0/2000000", 1, 10, 100, 10);
    }

    @Test
    void aServerWithoutAFullGetsOneAtOnce() {
        assertThat(BackupScheduler.due(server(Duration.ofDays(7), Duration.ofHours(12)), List.of(), NOW))
                .hasValueSatisfying(d -> assertThat(d.kind()).isEqualTo(BackupKind.FULL));
    }

    @Test
    void aFullIntervalAfterTheLastFullAFullIsDueEvenWhenADifferentialIsToo() {
        List<BackupRecord> backups = List.of(completed("f", BackupKind.FULL, null, Duration.ofDays(8)));
        assertThat(BackupScheduler.due(server(Duration.ofDays(7), Duration.ofHours(12)), backups, NOW))
                .hasValueSatisfying(d -> assertThat(d.kind()).isEqualTo(BackupKind.FULL));
    }

    @Test
    void betweenFullsADifferentialIsDueADifferentialIntervalAfterTheNewestBackup() {
        ServerRecord server = server(Duration.ofDays(7), Duration.ofHours(12));
        List<BackupRecord> fullOnly = List.of(completed("f", BackupKind.FULL, null, Duration.ofHours(13)));
        assertThat(BackupScheduler.due(server, fullOnly, NOW))
                .hasValueSatisfying(d -> assertThat(d.kind()).isEqualTo(BackupKind.DIFF));
        List<BackupRecord> withRecentDiff = List.of(completed("f", BackupKind.FULL, null, Duration.ofHours(13)),
                completed("d", BackupKind.DIFF, "f", Duration.ofHours(1)));
        assertThat(BackupScheduler.due(server, withRecentDiff, NOW)).isEmpty();
    }

    @Test
    void withDifferentialsOffNothingIsDueBetweenFulls() {
        List<BackupRecord> backups = List.of(completed("f", BackupKind.FULL, null, Duration.ofDays(2)));
        assertThat(BackupScheduler.due(server(Duration.ofDays(7), Duration.ZERO), backups, NOW)).isEmpty();
    }
}
