package dev.hindsight.control;

import java.time.Instant;

/**
 * A token as it is listed: never its secret, which is shown once when it is made and stored only
 * as a hash.
 *
 * @param expiresAt null: it does not expire
 * @param revokedAt null: it was not revoked
 * @param issuedBy  the id of the token a console sign-in link was made with, for a token that link
 *                  was traded for (it ends with that token); null for a token made directly
 */
public record ApiToken(String id, String name, Role role, Instant createdAt, Instant expiresAt,
                       Instant revokedAt, Instant lastUsedAt, String issuedBy) {
    /** Whether a request made with it at {@code now} is let in. */
    public boolean valid(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
