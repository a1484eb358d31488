package dev.hindsight.cli;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalProgressTest {
    private final List<String> drawn = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private TerminalProgress bars() {
        return new TerminalProgress(() -> new DelegatingProgressBarConsumer(drawn::add, 120), lines::add);
    }

    @Test
    void eachStepGetsABarInItsUnitAndASuccessFillsTheLast() {
        try (TerminalProgress bars = bars()) {
            bars.show("copying files", 32L << 20, 128L << 20, "bytes");
            bars.show("copying files", 64L << 20, 128L << 20, "bytes");
            bars.show("verifying objects", 3, 12, "objects");
            bars.end(true);
        }
        assertThat(drawn).anySatisfy(line -> assertThat(line).contains("copying files").contains("50%")
                .contains("64/128 MiB"));
        assertThat(drawn).anySatisfy(line -> assertThat(line).contains("verifying objects").contains("100%")
                .contains("12/12"));
        assertThat(drawn).noneSatisfy(line -> assertThat(line).contains("verifying objects").contains("MiB"));
    }

    @Test
    void aStepWithNoKnownAmountIsOnePlainLine() {
        try (TerminalProgress bars = bars()) {
            bars.show("checkpoint", 0, -1, "bytes");
            bars.show("checkpoint", 0, -1, "bytes");
            bars.show("copying files", 1, 2, "bytes");
            bars.show("waiting for the log up to 0/3000100", 0, -1, "bytes");
            bars.end(true);
        }
        assertThat(lines).containsExactly("checkpoint", "waiting for the log up to 0/3000100");
        assertThat(drawn).allSatisfy(line -> assertThat(line).doesNotContain("? %").contains("copying files"));
        assertThat(drawn).anySatisfy(line -> assertThat(line).contains("50%"));
    }

    @Test
    void aFailureLeavesTheBarWhereTheWorkStopped() {
        try (TerminalProgress bars = bars()) {
            bars.show("restoring files", 10, 40, "bytes");
            bars.end(false);
        }
        assertThat(drawn.get(drawn.size() - 1)).contains("restoring files").contains("25%");
    }
}
