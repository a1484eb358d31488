package dev.hindsight.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.ObjectWriter;
import dev.hindsight.store.ReplicatedStore;
import dev.hindsight.store.Store;
import dev.hindsight.util.Json;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
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

    private final Store store;
    private final Codec codec;
    private final String keyId;
    private final Passphrase passphrase;
    private final CatalogHistory catalogs = new CatalogHistory(this);
    private final Healer healer;
    private final Clock clock = Clock.systemUTC();

    /** The passphrase the repository was opened with, kept to wrap a rotated key; shared by every copy. */
    private static final class Passphrase {
        private char[] value;

        Passphrase(char[] value) {
            this.value = value.clone();
        }

        synchronized char[] get() {
            return value.clone();
        }

        synchronized void set(char[] next) {
            java.util.Arrays.fill(value, '\0');
            value = next.clone();
        }
    }

    private Repository(Store store, Keyring.Unlocked key, char[] passphrase) throws IOException {
        this(store, new Codec(KeyFiles.load(store, passphrase, new DataKeys.Key(key.keyId(), key.dataKey()))),
                key.keyId(), new Passphrase(passphrase));
    }

    private Repository(Store store, Codec codec, String keyId, Passphrase passphrase) {
        this.store = store;
        this.codec = codec;
        this.keyId = keyId;
        this.passphrase = passphrase;
        this.healer = new Healer(codec);
    }

    /**
     * The same repository's copy in another store (the geo copy), read and written with the same
     * keys. The other store must hold, or be given, the same keyring.
     */
    public Repository on(Store other) {
        return new Repository(other, codec, keyId, passphrase);
    }

    /**
     * Opens the repository in {@code store}, creating its keyring on first use.
     *
     * @throws dev.hindsight.util.HindsightException INVALID_INPUT (with a hint) when the passphrase is
     *         wrong, CORRUPT when both copies of the keyring are unreadable; nothing is written then
     */
    public static Repository openOrCreate(Store store, char[] passphrase) throws IOException {
        return new Repository(store, Keyring.openOrCreate(store, passphrase), passphrase);
    }

    /**
     * Opens an existing repository; a clear error if there is none (NOT_FOUND) or the passphrase
     * is wrong (INVALID_INPUT).
     */
    public static Repository open(Store store, char[] passphrase) throws IOException {
        return new Repository(store, Keyring.open(store, passphrase), passphrase);
    }

    /** The ids of the repository's data keys, oldest first; the last seals what is written now. */
    public List<String> dataKeyIds() {
        return codec.keys().all().stream().map(DataKeys.Key::id).toList();
    }

    /**
     * Makes a new data key (its own wrapped file, twice) and seals every object written from now on
     * with it; objects already written keep theirs and stay readable. Returns the new key's id.
     */
    public synchronized String rotateKey() throws IOException {
        char[] current = passphrase.get();
        try {
            DataKeys.Key added = KeyFiles.add(store, current, clock.instant());
            codec.adopt(KeyFiles.load(store, current, codec.keys().first()));
            return added.id();
        } finally {
            java.util.Arrays.fill(current, '\0');
        }
    }

    /**
     * Re-wraps every data key under {@code next} in each of {@code copies} (see
     * {@link PassphraseChange}); {@code current} must be the passphrase the repository was opened
     * with. Returns how many key files were re-wrapped.
     */
    public synchronized int changePassphrase(List<Store> copies, char[] current, char[] next) throws IOException {
        char[] held = passphrase.get();
        try {
            // the daemon may already hold the new one: an interrupted change is then finished
            if (!sameInConstantTime(held, current) && !sameInConstantTime(held, next)) {
                throw dev.hindsight.util.HindsightException.invalid("the current passphrase is not the repository's;"
                        + " nothing was changed", "give the passphrase the daemon was started with");
            }
        } finally {
            java.util.Arrays.fill(held, '\0');
        }
        if (next.length < 12) {
            throw dev.hindsight.util.HindsightException.invalid("the new passphrase has " + next.length
                    + " characters, fewer than the 12 it needs at least; nothing was changed",
                    "use a longer one (a generated one has 43)");
        }
        if (java.util.Arrays.equals(current, next)) {
            throw dev.hindsight.util.HindsightException.invalid("the new passphrase is the current one; nothing was"
                    + " changed", "give a different new passphrase");
        }
        int rewrapped = PassphraseChange.apply(copies, current, next, clock.instant());
        passphrase.set(next);
        return rewrapped;
    }

    private static boolean sameInConstantTime(char[] a, char[] b) {
        int diff = a.length ^ b.length;
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            diff |= (i < a.length ? a[i] : 0) ^ (i < b.length ? b[i] : 0);
        }
        return diff == 0;
    }

    /** The id of the data key an object's stored bytes in {@code copy} are sealed with (read from its header). */
    public String dataKeyOf(Store copy, String key) throws IOException {
        try (InputStream raw = copy.open(key)) {
            return new FrameReader(key, raw, codec.keys()).keyId();
        }
    }

    /**
     * Gives another copy of a repository the keyring files it lacks, as they are (so that copy can
     * be opened alone with the same passphrase); returns the names copied.
     */
    public static List<String> copyKeyring(Store from, Store to) throws IOException {
        return Keyring.copyMissing(from, to);
    }

    public Store store() {
        return store;
    }

    /** The id of the repository's data key: not secret, for messages and for telling repositories apart. */
    public String keyId() {
        return keyId;
    }

    /**
     * Writes one object: the body is encoded as it is written, and the object is published
     * only when the body is complete. Returns the stored (encoded) size. If the body throws,
     * nothing is published. The body may close the stream it is given.
     */
    public long write(String key, BodyWriter body) throws IOException {
        return write(key, codec.level(), body);
    }

    /**
     * {@link #write} for an object soon replaced by a larger one that holds its bytes too (a WAL
     * tail piece, dropped once its segment is sealed): compressed at {@link Codec#SHORT_LIVED_LEVEL},
     * since under load every byte is compressed twice, once in a piece and once in its segment.
     */
    public long writeShortLived(String key, BodyWriter body) throws IOException {
        return write(key, Codec.SHORT_LIVED_LEVEL, body);
    }

    private long write(String key, int zstdLevel, BodyWriter body) throws IOException {
        try (ObjectWriter out = store.create(key)) {
            Encoder encoder = codec.encoder(key, new KeepOpen(out), zstdLevel);
            try {
                body.write(encoder);
                encoder.finish();
            } catch (Throwable e) {
                encoder.abort();
                throw e;
            }
            out.commit();
            return out.written();
        }
    }

    public long writeBytes(String key, byte[] plain) throws IOException {
        return write(key, out -> out.write(plain));
    }

    /**
     * Reads and decodes an object; a {@link CorruptObjectException} if it fails its checksums.
     * Reading to the end verifies the whole object; a reader that stops early has not.
     */
    public InputStream read(String key) throws IOException {
        if (store instanceof ReplicatedStore copies) {
            return HealingRead.open(key, copies, codec, healer);
        }
        return codec.decoder(key, store.open(key));
    }

    /** Repairs damaged copies met while reading, and copies objects between stores verified. */
    public Healer healer() {
        return healer;
    }

    /**
     * Decodes a stored object of one particular copy to its end: throws if it is damaged. Returns
     * the id of the data key it is sealed with.
     */
    public String verify(Store copy, String key) throws IOException {
        return codec.verify(key, copy.open(key));
    }

    public byte[] readBytes(String key) throws IOException {
        try (InputStream in = read(key)) {
            return in.readAllBytes();
        }
    }

    public List<ObjectInfo> list(String prefix) throws IOException {
        return store.list(prefix);
    }

    public void delete(String key) throws IOException {
        store.delete(key);
    }

    /**
     * Deletes an object unless the storage still holds it immutable; false then, and it stays
     * for a later purge to try again once its protection has ended.
     */
    public boolean deleteUnlessImmutable(String key) throws IOException {
        try {
            store.delete(key);
            return true;
        } catch (dev.hindsight.store.ObjectLockedException e) {
            return false;
        }
    }

    /** The newest readable catalog version (empty if none was written yet). */
    public Catalog catalog() throws IOException {
        return catalogs.newest().catalog();
    }

    /**
     * Applies a change to the newest catalog and writes the result as the next version, twice.
     * Serialized within this process; returns the catalog as written. If another process wrote
     * the same version meanwhile, the change is applied again to its result, so {@code change}
     * must be a function of its argument only.
     */
    public synchronized Catalog updateCatalog(UnaryOperator<Catalog> change) throws IOException {
        return catalogs.update(change, clock.instant());
    }

    /** Serializes any value to JSON and writes it as one object. */
    public long writeJson(String key, Object value) throws IOException {
        return writeBytes(key, Json.MAPPER.writeValueAsBytes(value));
    }

    public <T> T readJson(String key, Class<T> type) throws IOException {
        byte[] json = readBytes(key);
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IOException("object " + key + " in " + store.describe() + " decodes but is not a valid "
                    + type.getSimpleName() + ": " + e.getOriginalMessage()
                    + " (was it written by a different Hindsight version?)", e);
        }
    }

    @Override
    public String toString() {
        return "repository " + keyId + " at " + store.describe();
    }

    /** The encoder closes its raw stream, but closing an ObjectWriter before its commit abandons it. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() {
        }
    }
}
