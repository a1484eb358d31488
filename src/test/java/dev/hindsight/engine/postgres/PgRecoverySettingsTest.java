package dev.hindsight.engine.postgres;

import dev.hindsight.HindsightException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgRecoverySettingsTest {
    private static final Path STAGING = Path.of("/var/lib/hindsight/restore-1/wal");

    @Test
    void timeTargetIsUtcWithMicroseconds() {
        String conf = PgRecoverySettings.during(RecoveryTarget.time(Instant.parse("2026-11-21T09:30:00.123456789Z")), STAGING);
        assertThat(conf).contains("recovery_target_time = '2026-11-21 09:30:00.123456+00'\n")
                .contains("restore_command = 'cp \"/var/lib/hindsight/restore-1/wal/%f\" \"%p\"'\n")
                .contains("recovery_target_action = 'promote'\n")
                .contains("recovery_target_timeline = 'latest'\n")
                .doesNotContain("recovery_target = ");
        assertThat(PgRecoverySettings.formatTime(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02 03:04:05.000000+00");
    }

    @Test
    void immediateAndLatest() {
        assertThat(PgRecoverySettings.during(RecoveryTarget.immediate(), STAGING))
                .contains("recovery_target = 'immediate'\n").doesNotContain("recovery_target_time =");
        String latest = PgRecoverySettings.during(RecoveryTarget.latest(), STAGING);
        assertThat(latest).doesNotContain("recovery_target =").doesNotContain("recovery_target_time =")
                .contains("restore_command").contains("recovery_target_action = 'promote'");
    }

    @Test
    void afterPromotionNothingAboutRecoveryIsLeft() {
        assertThat(PgRecoverySettings.after()).doesNotContain("restore_command").doesNotContain("recovery_target")
                .contains("archive_mode = off");
    }

    @Test
    void refusesStagingPathsThatCannotBeQuoted() {
        for (String bad : new String[]{"/tmp/a\"b", "/tmp/$HOME", "/tmp/a`b`", "/tmp/100%", "/tmp/it's"}) {
            assertThatThrownBy(() -> PgRecoverySettings.restoreCommand(Path.of(bad)))
                    .isInstanceOf(HindsightException.class).hasMessageContaining("restore_command");
        }
        assertThat(PgRecoverySettings.restoreCommand(Path.of("/tmp/a b/wal"))).isEqualTo("cp \"/tmp/a b/wal/%f\" \"%p\"");
    }

    @Test
    void recognisesAnExistingIncludeLine() {
        assertThat(PgRecoverySettings.includes("port = 5432\ninclude_if_exists = 'hindsight-recovery.conf'\n")).isTrue();
        assertThat(PgRecoverySettings.includes("include_if_exists='hindsight-recovery.conf'  # ours")).isTrue();
        assertThat(PgRecoverySettings.includes("#include_if_exists = 'hindsight-recovery.conf'")).isFalse();
        assertThat(PgRecoverySettings.includes("include_if_exists = 'hindsight.conf'")).isFalse();
    }
}
