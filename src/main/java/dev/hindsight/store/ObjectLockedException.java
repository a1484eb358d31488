package dev.hindsight.store;

import java.io.IOException;
import java.time.Instant;

/**
 * The storage refused to delete or replace an object because it is immutable until
 * {@link #until()}: a permanent refusal until then, never worth retrying sooner.
 */
public class ObjectLockedException extends IOException {
    private final transient Instant until;

    public ObjectLockedException(String key, String store, Instant until) {
        super("object " + key + " in " + store + " is immutable" + (until == null ? "" : " until " + until)
                + ": the storage refuses to delete or replace it before then");
        this.until = until;
    }

    /** When the protection ends; null if the storage did not say. */
    public Instant until() {
        return until;
    }
}
