package dev.hindsight.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A dumb, write-once object store. Keys are relative paths separated by '/', made only by
 * the repository layout (repo.Layout). Implementations: {@link FileStore}, {@link S3Store}, {@link AzureBlobStore};
 * wrappers: {@link RetryingStore}, and the repository's placed copies ({@link ReplicatedStore}).
 *
 * <p>Contract every implementation keeps (and the store contract test checks):
 * <ul>
 *   <li>an object becomes visible only when complete ({@link ObjectWriter#commit()}), atomically;</li>
 *   <li>an object is never overwritten: committing an existing key fails with {@link ObjectExistsException};</li>
 *   <li>{@link #list} shows only committed objects, sorted by key;</li>
 *   <li>{@link #delete} is idempotent;</li>
 *   <li>a failure that may pass if tried again (the store unreachable, a timeout, a 5xx or throttling
 *       reply) is a {@link StoreUnavailableException}; any other {@link IOException} is permanent.</li>
 * </ul>
 */
public interface Store {
    /** Starts a new object; see {@link ObjectWriter} for when it becomes visible. */
    ObjectWriter create(String key) throws IOException;

    /** Reads a whole object; {@link NoSuchObjectException} if missing. */
    InputStream open(String key) throws IOException;

    /** Reads {@code length} bytes from {@code offset}; {@link NoSuchObjectException} if missing. */
    InputStream open(String key, long offset, long length) throws IOException;

    Optional<ObjectInfo> stat(String key) throws IOException;

    /** Every committed object whose key starts with {@code prefix}, sorted by key. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /** Removes an object; does nothing if it is not there. */
    void delete(String key) throws IOException;

    /** A short description for messages, e.g. {@code file:/var/backups/hindsight}. */
    String describe();
}
