package dev.hindsight.plan;

/** One object of an engine's log in the repository, as retention keeps or deletes it. */
public interface StoredLog {
    /** The object's repository key for server {@code serverId}. */
    String key(String serverId);

    /** The unit of the log the object belongs to (its WAL segment, its binary log file), in log order. */
    long unit();

    /**
     * When it was stored (at most moments before the storage's protection of it began): an
     * immutable object's protection is counted from here.
     */
    java.time.Instant storedAt();
}
