package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleTest {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    /** history: comma-free list like "C-30h F-10m" = completed 30 h ago, failed 10 min ago; R = running. */
    @ParameterizedTest(name = "{0} → due={1}")
    @CsvSource({
            "'', true",
            "C-30h, true",
            "C-23h, false",
            "C-25h R-1m, false",
            "C-25h F-10m, false",
            "C-25h F-20m, true",
            "F-20m, true",
            "F-5m, false",
            "C-2h F-1m, false",
    })
    void fullBackupDue(String history, boolean due) {
        assertThat(Schedule.fullBackupDue(history(history), Duration.ofDays(1), NOW).isPresent()).isEqualTo(due);
    }

    /** Weekly fulls, differentials every 12 h: C = completed full, D = completed differential. */
    @ParameterizedTest(name = "[{0}] → differential due: {1}")
    @CsvSource({
            "'', false",                 // no full yet: the full goes first
            "C-13h, true",
            "C-11h, false",
            "C-30h D-13h, true",
            "C-30h D-11h, false",        // 12 h after the newest backup of either kind
            "C-8d, false",               // a full is due instead
            "C-30h R-1m, false",         // something is running
            "C-30h D-13h F-10m, false",  // a failure waits before the next try
            "C-30h D-13h F-20m, true",
    })
    void differentialDue(String history, boolean due) {
        assertThat(Schedule.differentialDue(history(history), Duration.ofDays(7), Duration.ofHours(12), NOW)
                .isPresent()).isEqualTo(due);
    }

    @org.junit.jupiter.api.Test
    void differentialsOffAreNeverDue() {
        assertThat(Schedule.differentialDue(history("C-30h"), Duration.ofDays(7), Duration.ZERO, NOW)).isEmpty();
    }

    private static List<BackupRecord> history(String history) {
        List<BackupRecord> backups = new ArrayList<>();
        int n = 0;
        for (String item : history.isBlank() ? new String[0] : history.split(" ")) {
            String amount = item.substring(2);
            Duration ago = amount.endsWith("d") ? Duration.ofDays(Long.parseLong(amount.substring(0, amount.length() - 1)))
                    : Duration.parse("PT" + amount.toUpperCase());
            Instant started = NOW.minus(ago);
            BackupRecord b = item.charAt(0) == 'D'
                    ? BackupRecord.running("b" + n++, "s", BackupKind.DIFF, "b0", started, null)
                    : BackupRecord.running("b" + n++, "s", BackupKind.FULL, started);
            backups.add(switch (item.charAt(0)) {
                case 'C', 'D' -> b.completed(started.plusSeconds(30), started.plusSeconds(30), "0/1", "0/2", 1, 1, 1, 1);
                case 'F' -> b.failed(started.plusSeconds(30), "disk full");
                default -> b;
            });
        }
        return backups;
    }
}
