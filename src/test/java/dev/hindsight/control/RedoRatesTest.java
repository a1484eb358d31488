package dev.hindsight.control;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.RedoSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RedoRatesTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void theMedianOfReplaysLargeEnoughToMeasureLessAMarginElseTheEnginesFigure() {
        assertThat(RedoRates.rate(List.of(), 48 * MIB)).isEqualTo(48.0 * MIB);
        assertThat(RedoRates.rate(List.of(new RedoSample("postgres", 10 * MIB, 100)), 48 * MIB))
                .as("a small replay measures startup, not redo").isEqualTo(48.0 * MIB);
        List<RedoSample> samples = List.of(new RedoSample("postgres", 100 * MIB, 1000),
                new RedoSample("postgres", 600 * MIB, 5000), new RedoSample("postgres", 400 * MIB, 10_000));
        assertThat(RedoRates.rate(samples, 48 * MIB)).isCloseTo(100.0 * MIB * 0.8, within(1.0));
        assertThat(RedoRates.rate(samples.subList(0, 2), 48 * MIB)).as("even: between the middle two")
                .isCloseTo(110.0 * MIB * 0.8, within(1.0));
    }

    @Test
    void whatARestoreMeasuredIsKeptInTheControlDatabaseAndUsedForItsEngineOnly() throws Exception {
        try (ControlDb db = new ControlDb(dir.resolve("control.db"))) {
            RedoRates rates = new RedoRates(db, Clock.systemUTC());
            Engine pg = Engines.all().get("postgres");
            Engine maria = Engines.all().get("mariadb");
            assertThat(rates.of(pg)).isEqualTo(pg.logs().redoBytesPerSecond());
            rates.record(Optional.of(new RedoSample("postgres", 500 * MIB, 2500)));
            rates.record(Optional.of(new RedoSample("postgres", 5 * MIB, 1))); // too small to count
            rates.record(Optional.empty());
            assertThat(rates.of(pg)).isCloseTo(200.0 * MIB * 0.8, within(1.0));
            assertThat(rates.of(maria)).isEqualTo(maria.logs().redoBytesPerSecond());
        }
    }
}
