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
        List<BackupRecord> backups = new ArrayList<>();
        int n = 0;
        for (String item : history.isBlank() ? new String[0] : history.split(" ")) {
            Duration ago = Duration.parse("PT" + item.substring(2).toUpperCase());
            Instant started = NOW.minus(ago);
            BackupRecord b = BackupRecord.running("b" + n++, "s", BackupKind.FULL, started);
            backups.add(switch (item.charAt(0)) {
                case 'C' -> b.completed(started.plusSeconds(30), started.plusSeconds(30), "0/1", "0/2", 1, 1, 1, 1);
                case 'F' -> b.failed(started.plusSeconds(30), "disk full");
                default -> b;
            });
        }
        assertThat(Schedule.fullBackupDue(backups, Duration.ofDays(1), NOW).isPresent()).isEqualTo(due);
    }
}
