package dev.hindsight.plan;

import java.time.Instant;
import java.util.Objects;

/**
 * What a user asked to restore to: the latest point, the earliest, a time, or one backup's
 * consistent point (a long-term retention backup, which may lie outside the window).
 */
public record RestoreRequest(Kind kind, Instant time, String backupId) {
    public enum Kind { LATEST, EARLIEST, TIME, BACKUP }

    public RestoreRequest {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.TIME) != (time != null) || (kind == Kind.BACKUP) != (backupId != null)) {
            throw new IllegalArgumentException("a time (a backup) is given exactly when restoring to a time (a backup)");
        }
    }

    public RestoreRequest(Kind kind, Instant time) {
        this(kind, time, null);
    }

    public static RestoreRequest backup(String id) {
        return new RestoreRequest(Kind.BACKUP, null, id);
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
        return switch (kind) {
            case TIME -> time.toString();
            case BACKUP -> "backup " + backupId;
            default -> kind.name().toLowerCase();
        };
    }
}
