package dev.hindsight.control;

import java.time.Instant;

/**
 * One change asked of the API, and how it ended.
 *
 * @param actor  the name of the token that asked, or "anonymous" when none was accepted
 * @param action the method and route, e.g. "PATCH /api/v1/servers/{name}"
 * @param target the server, token or other thing it was about; may be null
 * @param status the HTTP status it was answered with
 * @param detail the error's message when it was refused or failed
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String target, int status,
                         String detail) {
}
