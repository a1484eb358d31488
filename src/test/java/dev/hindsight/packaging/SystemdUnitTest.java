package dev.hindsight.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** packaging/hindsight.service, checked by systemd's own verifier against this checkout's launcher. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("packaging/hindsight.service");

    @Test
    void systemdAcceptsTheUnitWhenHindsightIsInstalledWhereItSays(@TempDir Path dir) throws Exception {
        String unit = Files.readString(UNIT);
        // the unit names /opt/hindsight; point it at this checkout, where bin/hindsight exists
        Path copy = dir.resolve("hindsight.service");
        Files.writeString(copy, unit.replace("/opt/hindsight", Path.of("").toAbsolutePath().toString()));
        Process p;
        try {
            p = new ProcessBuilder(List.of("systemd-analyze", "verify", copy.toString()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("systemd-analyze is missing: run scripts/setup --no-build --tests", e);
        }
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).as("systemd's complaints about the unit").doesNotContain("hindsight.service:");
    }

    @Test
    void theUnitRunsServeWithItsHomeAndPassphraseAndLeavesTheDatabaseServersRunning() throws Exception {
        String unit = Files.readString(UNIT);
        assertThat(unit).containsPattern("(?m)^ExecStart=/opt/hindsight/bin/hindsight serve --home /var/lib/hindsight"
                + " --passphrase-file /etc/hindsight/passphrase$");
        // the default (control-group) would kill the PostgreSQL and MariaDB servers with the daemon
        assertThat(unit).containsPattern("(?m)^KillMode=process$");
        assertThat(unit).containsPattern("(?m)^Restart=on-failure$");
    }
}
