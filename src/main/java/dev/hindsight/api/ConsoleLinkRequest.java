package dev.hindsight.api;

/** Asks for a console sign-in link; without a role, the link signs in with the caller's role. */
record ConsoleLinkRequest(String role) {
}
