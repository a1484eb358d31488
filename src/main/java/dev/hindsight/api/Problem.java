package dev.hindsight.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.hindsight.util.HindsightException;

import java.util.Locale;

/**
 * An error answer as RFC 9457 has it ({@code application/problem+json}): the kind of problem as a
 * URI and a title, the status, what exactly is wrong, and — our extension — a hint saying what
 * would be right, plus the kind's name the CLI maps to its exit code.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "hint", "kind"})
public record Problem(String type, String title, int status, String detail, String hint, String kind) {
    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://hindsight.dev/problems/";

    public static Problem of(HindsightException e) {
        return of(e.kind(), e.getMessage(), e.hint());
    }

    public static Problem of(HindsightException.Kind kind, String detail, String hint) {
        return new Problem(TYPE_BASE + kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), titleOf(kind),
                statusOf(kind), detail, hint, kind.name());
    }

    static int statusOf(HindsightException.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNAVAILABLE -> 503;
            case CORRUPT, FAILED -> 500;
        };
    }

    private static String titleOf(HindsightException.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> "The request is not valid";
            case UNAUTHENTICATED -> "No valid token";
            case FORBIDDEN -> "The token's role does not allow this";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflicts with the current state";
            case UNAVAILABLE -> "Not available now";
            case CORRUPT -> "Stored data is damaged";
            case FAILED -> "The request failed";
        };
    }
}
