package dev.hindsight.engine;

/** A login to a database server. */
public record Credentials(String user, String password) {
    @Override
    public String toString() {
        return "Credentials[user=" + user + "]"; // never the password, in a log or a message
    }
}
