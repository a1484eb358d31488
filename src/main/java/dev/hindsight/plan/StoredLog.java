package dev.hindsight.plan;

/** One object of an engine's log in the repository, as retention deletes it. */
public interface StoredLog {
    /** The object's repository key for server {@code serverId}. */
    String key(String serverId);
}
