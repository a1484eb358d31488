package dev.hindsight.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
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
 *   <li>{@link #delete} is idempotent; an object the storage holds immutable ({@link #protect}) is
 *       not deleted before its protection ends: {@link ObjectLockedException};</li>
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

    /**
     * Whether the storage itself can hold objects immutable (write once, read many), so that
     * neither a stolen credential nor a compromised host can delete them early: empty if it can,
     * else why not and what would make it possible. It may write and remove a probe object.
     */
    default Optional<String> immutabilityRefusal() throws IOException {
        return Optional.of(describe() + " cannot hold objects immutable");
    }

    /**
     * Makes a committed object immutable until {@code until}: the storage refuses to delete or
     * replace it before then. A protection that lasts longer already stays as it is; none is ever
     * shortened.
     */
    default void protect(String key, Instant until) throws IOException {
        throw new IOException("cannot make " + key + " immutable: " + immutabilityRefusal().orElse("unsupported"));
    }

    /** Until when the storage holds an object immutable; empty if it does not (or no longer). */
    default Optional<Instant> protectedUntil(String key) throws IOException {
        return Optional.empty();
    }

    /** A short description for messages, e.g. {@code file:/var/backups/hindsight}. */
    String describe();
}
