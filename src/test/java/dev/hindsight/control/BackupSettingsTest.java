package dev.hindsight.control;

import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupSettingsTest {
    @Test
    void defaultsAreAManagedServicesWeeklyFullsAndTwiceDailyDifferentials() {
        BackupSettings d = BackupSettings.defaults();
        assertThat(d.retentionDays()).isEqualTo(7);
        assertThat(d.fullInterval()).isEqualTo(Duration.ofDays(7));
        assertThat(d.diffInterval()).isEqualTo(Duration.ofHours(12));
        assertThat(d.storageSizeGib()).isNull();
    }

    @Test
    void changesApplyOverTheCurrentValues() {
        BackupSettings s = BackupSettings.defaults().with(14, "P1D", "6h", 32);
        assertThat(s).isEqualTo(new BackupSettings(14, Duration.ofDays(1), Duration.ofHours(6), 32));
        assertThat(s.with(null, null, "off", null).diffInterval()).isZero();
        assertThat(s.with(3, null, null, null)).isEqualTo(new BackupSettings(3, Duration.ofDays(1), Duration.ofHours(6), 32));
    }

    @Test
    void fullsAsFrequentAsDifferentialsTurnThemOffUnlessBothWereGiven() {
        assertThat(BackupSettings.defaults().with(null, "12h", null, null).diffInterval()).isZero();
        assertThatThrownBy(() -> BackupSettings.defaults().with(null, "12h", "12h", null))
                .isInstanceOf(HindsightException.class).hasMessageContaining("would never come between");
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} → {4}")
    @CsvSource({
            "0,  , , , out of range",
            "36, , , , out of range",
            ", 1s, , , invalid full backup interval '1s'",
            ", 36d, , , between 5m and 35d",
            ", , 2d, , between 5m and 24h",
            ", , weekly, , invalid differential backup interval 'weekly'",
            ", , , 0, storage size of 0 GiB is out of range",
            ", , , 70000, between 1 and 65536 GiB",
    })
    void badValuesAreRefusedWithWhatWouldBeRight(Integer days, String full, String diff, Integer gib, String message) {
        assertThatThrownBy(() -> BackupSettings.defaults().with(days, full, diff, gib))
                .isInstanceOf(HindsightException.class)
                .satisfies(e -> assertThat(e.getMessage() + " " + ((HindsightException) e).hint()).contains(message));
    }

    @Test
    void theReplayBudgetIsSixtySecondsByDefaultADurationOrOffAndNothingElse() {
        assertThat(BackupSettings.defaults().maxReplay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(BackupSettings.defaults().with(null, null, null, null, "5m").maxReplay())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(BackupSettings.defaults().with(null, null, null, null, "30s").maxReplay())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(BackupSettings.defaults().with(null, null, null, null, "off").maxReplay()).isZero();
        BackupSettings off = BackupSettings.defaults().with(null, null, null, null, "off");
        assertThat(off.with(3, null, null, null).maxReplay()).as("kept when not given").isZero();
        for (String bad : new String[]{"0s", "500ms", "25h", "soon"}) {
            assertThatThrownBy(() -> BackupSettings.defaults().with(null, null, null, null, bad))
                    .isInstanceOf(HindsightException.class)
                    .satisfies(e -> assertThat(e.getMessage() + " " + ((HindsightException) e).hint())
                            .contains("invalid replay budget", "between 1s and 24h", "off"));
        }
    }
}
