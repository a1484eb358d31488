package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
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
                .contains("mv \"/var/lib/hindsight/restore-1/wal/%f\" \"%p\"'\n")
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
    void promotedOnRequestPausesAtTheTargetAndPutsRestartpointsOff() {
        String conf = PgRecoverySettings.duringPromotedOnRequest(
                RecoveryTarget.time(Instant.parse("2026-11-21T09:30:00Z")), STAGING);
        assertThat(conf).contains("recovery_target_time = '2026-11-21 09:30:00.000000+00'\n")
                .contains("recovery_target_action = 'pause'\n").doesNotContain("'promote'")
                .contains("hot_standby = on\n").contains("checkpoint_timeout = '1d'\n")
                .contains("max_wal_size = '64GB'\n").contains("archive_mode = off\n")
                .contains("mv \"/var/lib/hindsight/restore-1/wal/%f\" \"%p\"'\n");
    }

    @Test
    void untunedDiffersOnlyInTheCheckpointSettings() {
        RecoveryTarget target = RecoveryTarget.time(Instant.parse("2026-11-21T09:30:00Z"));
        String tuned = PgRecoverySettings.duringPromotedOnRequest(target, STAGING);
        String untuned = PgRecoverySettings.promotedOnRequestUntuned(target, STAGING);
        assertThat(untuned).doesNotContain("checkpoint_timeout").doesNotContain("max_wal_size");
        assertThat(untuned).isEqualTo(tuned.replace("checkpoint_timeout = '1d'\n", "")
                .replace("max_wal_size = '64GB'\n", ""));
    }

    @Test
    void afterPromotionNothingAboutRecoveryIsLeft() {
        assertThat(PgRecoverySettings.after()).doesNotContain("restore_command").doesNotContain("recovery_target")
                .doesNotContain("checkpoint_timeout").doesNotContain("max_wal_size").contains("archive_mode = off");
    }

    @Test
    void refusesStagingPathsThatCannotBeQuoted() {
        for (String bad : new String[]{"/tmp/a\"b", "/tmp/$HOME", "/tmp/a`b`", "/tmp/100%", "/tmp/it's"}) {
            assertThatThrownBy(() -> PgRecoverySettings.restoreCommand(Path.of(bad)))
                    .isInstanceOf(HindsightException.class).hasMessageContaining("restore_command");
        }
        assertThat(PgRecoverySettings.restoreCommand(Path.of("/tmp/a b/wal")))
                .contains("[ ! -f \"/tmp/a b/wal/%f\" ]").endsWith("mv \"/tmp/a b/wal/%f\" \"%p\"");
    }

    /** Runs restore_command as PostgreSQL would (through /bin/sh, %f and %p replaced). */
    private static Process restore(Path staging, String file, Path target) throws Exception {
        String command = PgRecoverySettings.restoreCommand(staging).replace("%f", file).replace("%p", target.toString());
        return new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
    }

    @Test
    void restoreCommandWaitsForASegmentStillBeingStagedThenMovesIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path staging = java.nio.file.Files.createDirectories(dir.resolve("wal"));
        Path marker = java.nio.file.Files.createFile(staging.resolve(PgRecoverySettings.STAGING_IN_PROGRESS));
        Path target = dir.resolve("RECOVERYXLOG");
        Process waiting = restore(staging, "000000010000000000000003", target);
        Thread.sleep(300);
        assertThat(waiting.isAlive()).as("waits while staging is in progress").isTrue();
        java.nio.file.Files.writeString(staging.resolve("000000010000000000000003"), "segment");
        assertThat(waiting.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(waiting.exitValue()).isZero();
        assertThat(java.nio.file.Files.readString(target)).isEqualTo("segment");
        assertThat(staging.resolve("000000010000000000000003")).doesNotExist();

        Process endOfArchive = restore(staging, "000000010000000000000004", target);
        Thread.sleep(200);
        java.nio.file.Files.delete(marker);
        assertThat(endOfArchive.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(endOfArchive.exitValue()).as("staging finished without it: the end of the archive").isNotZero();
        java.nio.file.Files.writeString(marker, "");
        Process history = restore(staging, "00000002.history", target);
        assertThat(history.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("never waits for a history file").isTrue();
        assertThat(history.exitValue()).isNotZero();
        java.nio.file.Files.delete(marker);
        Process missing = restore(staging, "000000010000000000000005", target);
        assertThat(missing.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).isNotZero();
    }

    @Test
    void recognisesAnExistingIncludeLine() {
        assertThat(PgRecoverySettings.includes("port = 5432\ninclude_if_exists = 'hindsight-recovery.conf'\n")).isTrue();
        assertThat(PgRecoverySettings.includes("include_if_exists='hindsight-recovery.conf'  # ours")).isTrue();
        assertThat(PgRecoverySettings.includes("#include_if_exists = 'hindsight-recovery.conf'")).isFalse();
        assertThat(PgRecoverySettings.includes("include_if_exists = 'hindsight.conf'")).isFalse();
    }

    @Test
    void disablesAlterSystemSettingsThatWouldOverrideRecovery() {
        String auto = "# Do not edit this file manually!\nwork_mem = '64MB'\narchive_command = 'cp %p /old/%f'\n"
                + "primary_conninfo = 'host=x'\nRecovery_Target_Time='2020-01-01'\n";
        String out = PgRecoverySettings.neutralizeAutoConf(auto);
        assertThat(out.lines()).containsExactly("# Do not edit this file manually!", "work_mem = '64MB'",
                "# disabled by Hindsight's restore (the copy must not use the source's setting): archive_command = 'cp %p /old/%f'",
                "# disabled by Hindsight's restore (the copy must not use the source's setting): primary_conninfo = 'host=x'",
                "# disabled by Hindsight's restore (the copy must not use the source's setting): Recovery_Target_Time='2020-01-01'");
        assertThat(out).endsWith("\n");
        assertThat(PgRecoverySettings.neutralizeAutoConf("work_mem = '1MB'")).isEqualTo("work_mem = '1MB'");
    }
}
