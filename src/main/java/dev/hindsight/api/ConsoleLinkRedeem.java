package dev.hindsight.api;

/** The code of a console sign-in link, traded for a session token. */
record ConsoleLinkRedeem(String code) {
}
