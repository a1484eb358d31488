package dev.hindsight.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert rules in docs/prometheus, checked and unit-tested by Debian's promtool. */
class AlertRulesTest {
    private static final Path RULES = Path.of("docs/prometheus");

    @Test
    void theRulesAreValid() throws Exception {
        Result r = promtool("check", "rules", "hindsight-alerts.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 8 rules found");
    }

    @Test
    void eachAlertFiresOnTheSeriesThatShouldRaiseItAndOnlyThen() throws Exception {
        Result r = promtool("test", "rules", "hindsight-alerts.test.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    private record Result(int exit, String output) {
    }

    private static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("promtool is not installed: run scripts/setup --no-build --tests "
                    + "(it installs Debian's prometheus package)", e);
        }
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }
}
