package dev.hindsight.cli;

import dev.hindsight.util.HindsightException;

/**
 * The CLI's exit codes (documented in README.md):
 * 0 success, 1 the operation failed, 2 invalid input or usage, 3 not found, 4 conflict (name
 * taken, already running), 5 unavailable (daemon not running, engine not installed),
 * 6 damaged data (checksum or key failure, gap in the log chain), 7 not allowed (no valid token, or
 * its role does not allow the request).
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;
    public static final int UNAVAILABLE = 5;
    public static final int CORRUPT = 6;
    public static final int DENIED = 7;

    private ExitCodes() {
    }

    public static int of(HindsightException.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> INVALID;
            case NOT_FOUND -> NOT_FOUND;
            case CONFLICT -> CONFLICT;
            case UNAVAILABLE -> UNAVAILABLE;
            case CORRUPT -> CORRUPT;
            case FAILED -> FAILED;
            case UNAUTHENTICATED, FORBIDDEN -> DENIED;
        };
    }
}
