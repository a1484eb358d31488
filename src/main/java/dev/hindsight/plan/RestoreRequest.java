package dev.hindsight.plan;

import java.time.Instant;
import java.util.Objects;

/** What a user asked to restore to: the latest point, the earliest, or a time. */
public record RestoreRequest(Kind kind, Instant time) {
    public enum Kind { LATEST, EARLIEST, TIME }

    public RestoreRequest {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.TIME) != (time != null)) {
            throw new IllegalArgumentException("a time is given exactly when restoring to a time");
        }
    }

    public static RestoreRequest latest() {
        return new RestoreRequest(Kind.LATEST, null);
    }

    public static RestoreRequest earliest() {
        return new RestoreRequest(Kind.EARLIEST, null);
    }

    public static RestoreRequest at(Instant time) {
        return new RestoreRequest(Kind.TIME, time);
    }

    @Override
    public String toString() {
        return kind == Kind.TIME ? time.toString() : kind.name().toLowerCase();
    }
}
