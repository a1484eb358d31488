package dev.hindsight.control;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.RedoSample;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * How fast restores on this machine replay each engine's log, learnt from the restores and
 * rehearsals it ran: the median of the newest samples large enough to measure redo rather than
 * startup, less a margin; the engine's conservative figure until there are any. The replay
 * budget divides the log by it.
 */
public final class RedoRates {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedoRates.class);
    /** Smaller replays are mostly the server's start and end of recovery: they say little about redo. */
    static final long MIN_BYTES = 32L * 1024 * 1024;
    static final int SAMPLES = 10;
    /** A restore under load, or of a log heavier to apply, is slower than the median one. */
    static final double MARGIN = 0.8;

    private final ControlDb db;
    private final Clock clock;

    public RedoRates(ControlDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Bytes per second of {@code engine}'s log a restore here replays. */
    public double of(Engine engine) {
        return rate(db.redoSamples(engine.name(), SAMPLES), engine.logs().redoBytesPerSecond());
    }

    /** Keeps what a restore or rehearsal measured. */
    void record(Optional<RedoSample> sample) {
        sample.filter(s -> s.bytes() >= MIN_BYTES && s.millis() > 0).ifPresent(s -> {
            db.insertRedoSample(s, clock.instant());
            log.info("Redo rate of this restore: {} MiB of {} log in {} ms ({} MiB/s)", s.bytes() >> 20, s.engine(),
                    s.millis(), Math.round(s.bytesPerSecond() / (1 << 20)));
        });
    }

    static double rate(List<RedoSample> samples, double fallback) {
        List<Double> rates = samples.stream().filter(s -> s.bytes() >= MIN_BYTES && s.millis() > 0)
                .map(RedoSample::bytesPerSecond).sorted().toList();
        if (rates.isEmpty()) {
            return fallback;
        }
        int n = rates.size();
        double median = n % 2 == 1 ? rates.get(n / 2) : (rates.get(n / 2 - 1) + rates.get(n / 2)) / 2;
        return median * MARGIN;
    }
}
