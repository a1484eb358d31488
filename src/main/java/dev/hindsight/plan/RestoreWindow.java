package dev.hindsight.plan;

import java.time.Instant;

/** The times a server can be restored to: every instant in [earliest, latest]. */
public record RestoreWindow(Instant earliest, Instant latest) {
    public boolean contains(Instant t) {
        return !t.isBefore(earliest) && !t.isAfter(latest);
    }

    @Override
    public String toString() {
        return "[" + earliest + ", " + latest + "]";
    }
}
