package dev.hindsight.control;

import dev.hindsight.util.HindsightException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time sign-in links for the web console ({@code hindsight console-url}): a link holds a
 * random code that the console trades, once and within minutes, for a token of its own that
 * lives half a day, with the role of whoever asked for the link (or a lower one). That token
 * belongs to the one the link was made with: it never outlives it, is revoked with it, and
 * cannot make links itself, so a link never extends anybody's access. Codes are kept in memory
 * only, as a hash: a daemon restart voids the links not used yet, which costs one more
 * {@code console-url}.
 */
public final class ConsoleLinks {
    static final Duration LINK_LIFE = Duration.ofMinutes(5);
    static final Duration SESSION_LIFE = Duration.ofHours(12);
    private static final String PREFIX = "hl_";

    private record Pending(Role role, ApiToken issuer, Instant expiresAt) {
    }

    /** A link's code (shown once) and what it will sign in as. */
    public record Link(String code, Role role, Instant expiresAt) {
    }

    private final Tokens tokens;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    public ConsoleLinks(Tokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A new link for {@code role}, which may not be above the role of the token asking. */
    public Link issue(Role asked, ApiToken caller) {
        Role role = asked == null ? caller.role() : asked;
        if (caller.issuedBy() != null) {
            throw new HindsightException(HindsightException.Kind.FORBIDDEN, "token '" + caller.name()
                    + "' came from a sign-in link and cannot make another",
                    "make the link with the token that made this one (the home's daemon.token or your own)");
        }
        if (!caller.role().allows(role)) {
            throw new HindsightException(HindsightException.Kind.FORBIDDEN, "a token with the role "
                    + caller.role().text() + " cannot make a sign-in link for the role " + role.text(),
                    "ask for " + caller.role().text() + " or lower, or use a token with the role " + role.text());
        }
        Instant now = clock.instant();
        pending.values().removeIf(p -> !p.expiresAt().isAfter(now));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = now.plus(LINK_LIFE);
        pending.put(hash(code), new Pending(role, caller, expiresAt));
        return new Link(code, role, expiresAt);
    }

    /** Trades a code for a session token; the code works once, and not after it expired. */
    public IssuedToken redeem(String code) {
        Pending p = code == null ? null : pending.remove(hash(code.strip()));
        if (p == null || !p.expiresAt().isAfter(clock.instant())) {
            throw new HindsightException(HindsightException.Kind.UNAUTHENTICATED,
                    "this sign-in link was used already, has expired (links last " + LINK_LIFE.toMinutes()
                            + " minutes) or was made before the daemon restarted",
                    "run `hindsight console-url` for a new link, or sign in with a token");
        }
        byte[] id = new byte[4];
        random.nextBytes(id);
        String issuer = p.issuer().name().length() > 23 ? p.issuer().name().substring(0, 23) : p.issuer().name();
        return tokens.createFor(p.issuer(), "console-" + issuer + "-" + HexFormat.of().formatHex(id), p.role(),
                SESSION_LIFE);
    }

    private static String hash(String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
