package dev.hindsight.repo;

import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A store plus the key that unlocks it: every object goes through the {@link Codec} (zstd,
 * AES-256-GCM, checksums) under a name from {@link Layout}. Thread-safe.
 */
public final class Repository {
    /** Writes the body of one object. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    private Repository() {
        throw new UnsupportedOperationException("implemented by the repository task");
    }

    /**
     * Opens the repository in {@code store}, creating its keyring on first use.
     *
     * @throws dev.hindsight.HindsightException (CORRUPT kind, with a hint) when the passphrase is wrong
     */
    public static Repository openOrCreate(Store store, char[] passphrase) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Opens an existing repository; a clear error if there is none or the passphrase is wrong. */
    public static Repository open(Store store, char[] passphrase) throws IOException {
        throw new UnsupportedOperationException();
    }

    public Store store() {
        throw new UnsupportedOperationException();
    }

    /**
     * Writes one object: the body is encoded as it is written, and the object is published
     * only when the body is complete. Returns the stored (encoded) size.
     */
    public long write(String key, BodyWriter body) throws IOException {
        throw new UnsupportedOperationException();
    }

    public long writeBytes(String key, byte[] plain) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Reads and decodes an object; a {@link CorruptObjectException} if it fails its checksums. */
    public InputStream read(String key) throws IOException {
        throw new UnsupportedOperationException();
    }

    public byte[] readBytes(String key) throws IOException {
        throw new UnsupportedOperationException();
    }

    public List<ObjectInfo> list(String prefix) throws IOException {
        throw new UnsupportedOperationException();
    }

    public void delete(String key) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** The newest readable catalog version (empty if none was written yet). */
    public Catalog catalog() throws IOException {
        throw new UnsupportedOperationException();
    }

    /**
     * Applies a change to the newest catalog and writes the result as the next version, twice.
     * Serialized within this process; returns the catalog as written.
     */
    public Catalog updateCatalog(UnaryOperator<Catalog> change) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Serializes any value to JSON and writes it as one object. */
    public long writeJson(String key, Object value) throws IOException {
        throw new UnsupportedOperationException();
    }

    public <T> T readJson(String key, Class<T> type) throws IOException {
        throw new UnsupportedOperationException();
    }
}
