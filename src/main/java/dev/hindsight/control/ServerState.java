package dev.hindsight.control;

import java.util.Arrays;

/**
 * What the daemon last saw or did to a server on this host. The control database and the API
 * keep the lower-case {@link #text()}.
 */
public enum ServerState {
    /** Being created: not acknowledged yet; a daemon start discards what it left. */
    PROVISIONING,
    /** Up, or being started again by the supervisor. */
    RUNNING,
    /** Was running but does not answer (show reports it; the supervisor starts it again). */
    STOPPED,
    /** The supervisor could not start it; it keeps trying. */
    FAILED,
    /** Being restored into: not acknowledged yet; a daemon start discards what it left. */
    RESTORING,
    /** Being deleted; a daemon start finishes the removal. */
    DELETING;

    public String text() {
        return name().toLowerCase();
    }

    /** The state a control database row names. */
    public static ServerState of(String text) {
        return Arrays.stream(values()).filter(s -> s.text().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown server state '" + text + "' in the control "
                        + "database; known: " + Arrays.toString(values())));
    }

    /** A create or restore the daemon did not finish, or a delete it did not: nothing of it is acknowledged. */
    public boolean unfinished() {
        return this == PROVISIONING || this == RESTORING || this == DELETING;
    }

    /** The supervisor keeps it running. */
    public boolean supervised() {
        return this == RUNNING || this == FAILED;
    }
}
