package dev.hindsight.repo.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.hindsight.util.HindsightException;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** How often the daemon rehearses a restore of a server's newest backup: weekly (the default), daily or off. */
public enum Rehearsal {
    WEEKLY(Duration.ofDays(7)), DAILY(Duration.ofDays(1)), OFF(null);

    public static final Rehearsal DEFAULT = WEEKLY;
    private final Duration every;

    Rehearsal(Duration every) {
        this.every = every;
    }

    /** Empty when off. */
    public Optional<Duration> every() {
        return Optional.ofNullable(every);
    }

    @JsonValue
    public String text() {
        return name().toLowerCase();
    }

    public static Rehearsal parse(String text) {
        return Arrays.stream(values()).filter(r -> r.text().equals(text)).findFirst()
                .orElseThrow(() -> HindsightException.invalid("unknown rehearsal schedule '" + text + "'",
                        "give weekly, daily or off"));
    }
}
