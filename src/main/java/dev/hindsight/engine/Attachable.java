package dev.hindsight.engine;

/** A server Hindsight did not create that passed the attach check: the login to use, its port on this host, its identity. */
public record Attachable(Credentials login, int port, Identity identity) {
}
