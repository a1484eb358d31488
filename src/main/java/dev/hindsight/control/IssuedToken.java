package dev.hindsight.control;

/** A token just made: the one time its secret is known outside the request that carries it. */
public record IssuedToken(ApiToken token, String secret) {
}
