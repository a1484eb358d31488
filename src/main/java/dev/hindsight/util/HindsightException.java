package dev.hindsight.util;

/**
 * An error a user can act on: what went wrong, in context, and a hint about what would be right.
 * The CLI prints both parts; the API returns them as {@code error} and {@code hint}.
 */
public class HindsightException extends RuntimeException {
    /** UNAUTHENTICATED: no valid token was given; FORBIDDEN: the token's role does not allow it. */
    public enum Kind { INVALID_INPUT, NOT_FOUND, CONFLICT, UNAVAILABLE, CORRUPT, FAILED, UNAUTHENTICATED, FORBIDDEN }

    private final Kind kind;
    private final String hint;

    public HindsightException(Kind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    public HindsightException(Kind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
    }

    public static HindsightException invalid(String message, String hint) {
        return new HindsightException(Kind.INVALID_INPUT, message, hint);
    }

    public static HindsightException notFound(String message, String hint) {
        return new HindsightException(Kind.NOT_FOUND, message, hint);
    }

    public static HindsightException conflict(String message, String hint) {
        return new HindsightException(Kind.CONFLICT, message, hint);
    }

    public Kind kind() {
        return kind;
    }

    /** What the user could do about it; may be null. */
    public String hint() {
        return hint;
    }
}
