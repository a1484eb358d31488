package dev.hindsight.api;

/**
 * A request to make a token.
 *
 * @param expiresIn "30d", "12h" or an ISO-8601 duration; null: it does not expire
 */
record TokenRequest(String name, String role, String expiresIn) {
}
