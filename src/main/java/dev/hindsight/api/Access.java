package dev.hindsight.api;

import dev.hindsight.control.ApiToken;
import dev.hindsight.control.Role;
import dev.hindsight.control.Tokens;
import dev.hindsight.util.HindsightException;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Lets a request in when its bearer token is valid and its role is enough for the route: no token,
 * an unknown, revoked or expired one is 401; a role too low is 403. The token's name is kept on
 * the request as the actor the audit log names.
 */
final class Access {
    static final String ACTOR = "hindsight.actor";
    static final String ROLE = "hindsight.role";
    static final String TOKEN = "hindsight.token";
    static final String ANONYMOUS = "anonymous";
    static final String UNMATCHED = "unmatched";

    private final Tokens tokens;
    private final Clock clock;

    Access(Tokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    void check(Context ctx) {
        Needs needs = needsOf(ctx);
        if (needs.role() == null) {
            return;
        }
        ApiToken token = authenticate(ctx.header("Authorization"));
        ctx.attribute(ACTOR, token.name());
        ctx.attribute(ROLE, token.role());
        ctx.attribute(TOKEN, token);
        if (!token.role().allows(needs.role())) {
            throw new HindsightException(HindsightException.Kind.FORBIDDEN, "token '" + token.name() + "' has the role "
                    + token.role().text() + "; " + ctx.method() + " " + routeOf(ctx) + " needs "
                    + needs.role().text(), "use a token with the role " + needs.role().text()
                    + " or higher (an admin makes one with `hindsight token create --role " + needs.role().text() + "`)");
        }
    }

    private ApiToken authenticate(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            throw new HindsightException(HindsightException.Kind.UNAUTHENTICATED, "the request carries no token",
                    "send the header 'Authorization: Bearer <token>'");
        }
        Optional<ApiToken> found = tokens.find(header.substring("Bearer ".length()).strip());
        if (found.isEmpty()) {
            throw new HindsightException(HindsightException.Kind.UNAUTHENTICATED, "missing or wrong token",
                    "use a token from `hindsight token create`, or the home's daemon.token");
        }
        ApiToken token = found.get();
        Instant now = clock.instant();
        if (token.revokedAt() != null) {
            throw new HindsightException(HindsightException.Kind.UNAUTHENTICATED, "token '" + token.name()
                    + "' was revoked at " + token.revokedAt(), "ask an admin for a new token");
        }
        if (!token.valid(now)) {
            throw new HindsightException(HindsightException.Kind.UNAUTHENTICATED, "token '" + token.name()
                    + "' expired at " + token.expiresAt(), "ask an admin for a new token");
        }
        return token;
    }

    private static Needs needsOf(Context ctx) {
        for (RouteRole r : ctx.routeRoles()) {
            if (r instanceof Needs n) {
                return n;
            }
        }
        return Needs.ADMIN; // a route registered without saying what it needs is the admin's
    }

    /** The route template the request matched (the guard itself runs as the "/api/*" endpoint), else its path. */
    static String routeOf(Context ctx) {
        String route = matchedRoute(ctx);
        return route.equals(UNMATCHED) ? ctx.path() : route;
    }

    /** The route template the request matched, or "unmatched" (static files, unknown paths): a bounded set of names. */
    static String matchedRoute(Context ctx) {
        try {
            var matched = ctx.endpoints().matchedHttpEndpoint();
            return matched == null ? UNMATCHED : matched.path;
        } catch (RuntimeException unmatched) {
            return UNMATCHED;
        }
    }

    static String actor(Context ctx) {
        String actor = ctx.attribute(ACTOR);
        return actor == null ? ANONYMOUS : actor;
    }

    static Role role(Context ctx) {
        return ctx.attribute(ROLE);
    }
}
