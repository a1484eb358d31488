package dev.hindsight.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A new object being written. Nothing is visible under its key until {@link #commit()} returns;
 * {@link #close()} without a commit abandons the object and removes what was written.
 */
public abstract class ObjectWriter extends OutputStream {
    /**
     * Makes the object durable and visible under its key, atomically.
     *
     * @throws ObjectExistsException if an object with this key was published meanwhile (never overwritten)
     */
    public abstract void commit() throws IOException;

    /** Bytes written so far. */
    public abstract long written();
}
