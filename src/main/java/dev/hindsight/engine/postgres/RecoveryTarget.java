package dev.hindsight.engine.postgres;

import java.time.Instant;
import java.util.Objects;

/** Where WAL replay of a restored data directory stops before the server is promoted. */
public sealed interface RecoveryTarget {
    /** Replay all the WAL there is: the end of the staged log. */
    record Latest() implements RecoveryTarget {
    }

    /** Stop as soon as the copy is consistent: the earliest point a backup restores to. */
    record Immediate() implements RecoveryTarget {
    }

    /** Stop before the first transaction that committed after {@code at} (those at {@code at} are kept). */
    record Time(Instant at) implements RecoveryTarget {
        public Time {
            Objects.requireNonNull(at, "at");
        }
    }

    static RecoveryTarget latest() {
        return new Latest();
    }

    static RecoveryTarget immediate() {
        return new Immediate();
    }

    static RecoveryTarget time(Instant at) {
        return new Time(at);
    }
}
