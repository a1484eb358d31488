package dev.hindsight.control;

import dev.hindsight.util.HindsightException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's tokens: 256 random bits each, shown once and stored as their SHA-256 (a hash of that
 * much entropy cannot be guessed back, so it needs no salt or slow hash). Each carries a role and
 * may expire; revoking one refuses it at once.
 */
public final class Tokens {
    /** The name of the admin token the daemon keeps in its home for the local CLI. */
    public static final String HOME_TOKEN = "home";
    static final Duration LONGEST = Duration.ofDays(3650);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final Pattern LIFETIME = Pattern.compile("(\\d{1,5})([dh])");
    private static final String PREFIX = "hs_";
    /** Writing the time of use on every request would make each read a write; once a minute is plenty. */
    private static final Duration LAST_USED_EVERY = Duration.ofMinutes(1);

    private final ControlDb db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Tokens(ControlDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Makes a token; {@code expiresIn} as "30d", "12h" or an ISO-8601 duration, null for none. */
    public IssuedToken create(String name, Role role, String expiresIn) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw HindsightException.invalid("token name '" + name + "' is not valid",
                    "use 1-40 characters: a-z, 0-9 and '-', starting with a letter or digit");
        }
        if (role == null) {
            throw HindsightException.invalid("a token needs a role", "give reader, operator or admin");
        }
        Instant now = clock.instant();
        Instant expiresAt = expiresIn == null ? null : now.plus(lifetime(expiresIn));
        if (active().stream().anyMatch(t -> t.name().equals(name))) {
            throw HindsightException.conflict("a token named '" + name + "' exists already",
                    "revoke it first (`hindsight token revoke " + name + "`) or choose another name");
        }
        return insert(name, role, now, expiresAt, null);
    }

    /**
     * A token made from another one (a console sign-in link's): never past its issuer's end, and
     * revoked with it.
     */
    IssuedToken createFor(ApiToken issuer, String name, Role role, Duration lifetime) {
        Instant now = clock.instant();
        Optional<ApiToken> current = byId(issuer.id()).filter(t -> t.valid(now));
        if (current.isEmpty()) {
            throw new HindsightException(HindsightException.Kind.UNAUTHENTICATED, "the token '" + issuer.name()
                    + "' this link was made with is no longer valid", "sign in with a valid token");
        }
        Instant expiresAt = now.plus(lifetime);
        if (current.get().expiresAt() != null && current.get().expiresAt().isBefore(expiresAt)) {
            expiresAt = current.get().expiresAt();
        }
        return insert(name, role, now, expiresAt, issuer.id());
    }

    /** Revokes a token and the console sessions it signed in, which end with it. */
    private void revokeWithSessions(String id, Instant now) {
        db.change("UPDATE tokens SET revoked_at = ? WHERE id = ?", now.toString(), id);
        db.change("UPDATE tokens SET revoked_at = ? WHERE issued_by = ? AND revoked_at IS NULL", now.toString(), id);
    }

    /** Whether the token with this id still lets requests in (not revoked, not expired). */
    public boolean stillValid(String id) {
        Instant now = clock.instant();
        return byId(id).map(t -> t.valid(now)).orElse(false);
    }

    private Optional<ApiToken> byId(String id) {
        return db.query("SELECT * FROM tokens WHERE id = ?", Tokens::tokenOf, id).stream().findFirst();
    }

    private IssuedToken insert(String name, Role role, Instant now, Instant expiresAt, String issuedBy) {
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[6];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        db.change("INSERT INTO tokens(id, name, role, hash, created_at, expires_at, issued_by) VALUES (?,?,?,?,?,?,?)",
                id, name, role.text(), hash(secret), now.toString(), expiresAt == null ? null : expiresAt.toString(),
                issuedBy);
        return new IssuedToken(new ApiToken(id, name, role, now, expiresAt, null, null, issuedBy), secret);
    }

    static Duration lifetime(String text) {
        Duration d;
        var m = LIFETIME.matcher(text.strip());
        try {
            d = m.matches() ? (m.group(2).equals("d") ? Duration.ofDays(Long.parseLong(m.group(1)))
                    : Duration.ofHours(Long.parseLong(m.group(1)))) : Duration.parse(text.strip());
        } catch (java.time.format.DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofHours(1)) < 0 || d.compareTo(LONGEST) > 0) {
            throw HindsightException.invalid("token lifetime '" + text + "' is not valid",
                    "give a lifetime from 1h to 3650d, e.g. 30d or 12h (or leave it out for a token that does not expire)");
        }
        return d;
    }

    /** Every token ever made, newest first, revoked and expired ones included. */
    public List<ApiToken> list() {
        return db.query("SELECT * FROM tokens ORDER BY created_at DESC", Tokens::tokenOf);
    }

    private List<ApiToken> active() {
        Instant now = clock.instant();
        return list().stream().filter(t -> t.valid(now)).toList();
    }

    /** Revokes the valid token with this id or name; returns it as it is now. */
    public ApiToken revoke(String idOrName) {
        ApiToken token = active().stream().filter(t -> t.id().equals(idOrName) || t.name().equals(idOrName))
                .findFirst().orElseThrow(() -> HindsightException.notFound("no valid token with id or name '"
                        + idOrName + "'", "see `hindsight token list`"));
        Instant now = clock.instant();
        revokeWithSessions(token.id(), now);
        return new ApiToken(token.id(), token.name(), token.role(), token.createdAt(), token.expiresAt(), now,
                token.lastUsedAt(), token.issuedBy());
    }

    /** The token this secret is, valid or not (the caller says why one is refused); empty if none is. */
    public Optional<ApiToken> find(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Optional<ApiToken> token = db.query("SELECT * FROM tokens WHERE hash = ?", Tokens::tokenOf, hash(secret))
                .stream().findFirst();
        Instant now = clock.instant();
        token.filter(t -> t.valid(now) && (t.lastUsedAt() == null
                        || t.lastUsedAt().plus(LAST_USED_EVERY).isBefore(now)))
                .ifPresent(t -> db.change("UPDATE tokens SET last_used_at = ? WHERE id = ?", now.toString(), t.id()));
        return token;
    }

    /**
     * The admin token for the CLI on this host: the one given if it is still valid, else a new one
     * (and the home tokens before it are revoked, as nobody holds them any more).
     */
    public String homeToken(String current) {
        Instant now = clock.instant();
        Optional<ApiToken> known = find(current);
        if (known.isPresent() && known.get().valid(now) && known.get().name().equals(HOME_TOKEN)) {
            return current;
        }
        for (ApiToken old : active()) {
            if (old.name().equals(HOME_TOKEN)) {
                revokeWithSessions(old.id(), now);
            }
        }
        return insert(HOME_TOKEN, Role.ADMIN, now, null, null).secret();
    }

    private static ApiToken tokenOf(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString("id"), rs.getString("name"), Role.parse(rs.getString("role")),
                instant(rs.getString("created_at")), instant(rs.getString("expires_at")),
                instant(rs.getString("revoked_at")), instant(rs.getString("last_used_at")), rs.getString("issued_by"));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
