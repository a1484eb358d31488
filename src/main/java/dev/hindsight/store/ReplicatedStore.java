package dev.hindsight.store;

import java.util.List;

/**
 * A store made of several copies. Reading through it takes the first copy that has an object;
 * a reader that can tell a damaged copy from a good one (the repository's codec) asks for the
 * copies themselves, to read another when one fails and to repair the one that failed.
 */
public interface ReplicatedStore extends Store {
    /** The copies that should hold {@code key}: every one was written before it was acknowledged. Preferred first. */
    List<Store> placedCopies(String key);

    /** Other copies that may hold {@code key} (written under an earlier placement); never repaired. */
    List<Store> otherCopies(String key);
}
