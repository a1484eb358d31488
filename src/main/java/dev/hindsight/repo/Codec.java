package dev.hindsight.repo;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * The object format: plaintext → zstd → frames of ≤ 64 KiB, each sealed with AES-256-GCM and
 * checksummed with CRC32C (layout in {@link ObjectFormat}). Every frame is bound to the object's
 * key, its index and whether it is the last, so frames cannot be reordered, dropped, cut off or
 * moved to another object without the reader noticing. Thread-safe; each stream is not.
 */
public final class Codec {
    public static final int DEFAULT_LEVEL = 3;
    /**
     * For objects soon replaced by a larger one (the open log file's tail pieces): zstd's fastest
     * level of the normal range, about twice level 3's speed for ~15 % more bytes on WAL.
     */
    public static final int SHORT_LIVED_LEVEL = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private volatile DataKeys keys; // grows by rotation; every copy of the repository shares this codec
    private final int level;
    private final int workers;

    /** A codec for the repository data key, at zstd level {@value #DEFAULT_LEVEL}, compressing on the caller's thread. */
    public Codec(SecretKey dataKey) {
        this(dataKey, DEFAULT_LEVEL, 0);
    }

    /**
     * @param level   zstd level (1 is fastest; 3 is zstd's default)
     * @param workers extra zstd threads per stream; 0 compresses on the writing thread
     */
    public Codec(SecretKey dataKey, int level, int workers) {
        this(DataKeys.single(dataKey, "0000000000000000"), level, workers);
    }

    Codec(DataKeys keys, int level, int workers) {
        if (level < -7 || level > 22) {
            throw new IllegalArgumentException("zstd level " + level + " is out of range (-7 to 22; 3 is the default)");
        }
        if (workers < 0) {
            throw new IllegalArgumentException("zstd workers must be >= 0, not " + workers);
        }
        this.keys = keys;
        this.level = level;
        this.workers = workers;
    }

    Codec(DataKeys keys) {
        this(keys, DEFAULT_LEVEL, 0);
    }

    /** The zstd level objects are written at, unless one is asked for. */
    int level() {
        return level;
    }

    DataKeys keys() {
        return keys;
    }

    /** From now on, objects are sealed with the newest of {@code next}, and read with any of them. */
    void adopt(DataKeys next) {
        this.keys = next;
    }

    /**
     * Encodes one object named {@code objectKey} onto {@code raw}. The header is written at once;
     * {@link Encoder#close()} writes the final frame and closes {@code raw}.
     */
    public Encoder encoder(String objectKey, OutputStream raw) throws IOException {
        return encoder(objectKey, raw, level);
    }

    /** {@link #encoder(String, OutputStream)} at zstd level {@code zstdLevel} instead of the codec's own. */
    Encoder encoder(String objectKey, OutputStream raw, int zstdLevel) throws IOException {
        byte[] salt = new byte[ObjectFormat.SALT_SIZE];
        byte[] noncePrefix = new byte[ObjectFormat.NONCE_PREFIX_SIZE];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(noncePrefix);
        DataKeys now = keys;
        // the first key writes version 1, as before any rotation; a later one names itself
        ObjectFormat.Header header = now.all().size() == 1 ? new ObjectFormat.Header(salt, noncePrefix)
                : new ObjectFormat.Header(ObjectFormat.VERSION_WITH_KEY_ID, now.current().idBytes(), salt, noncePrefix);
        FrameCipher cipher = new FrameCipher(now.currentMacKey(), header, objectKey, Cipher.ENCRYPT_MODE);
        return new Encoder(raw, new FrameWriter(raw, cipher, header.encode()), zstdLevel, workers);
    }

    /**
     * Decodes the object named {@code objectKey} from {@code raw}, which it closes when closed.
     * Damage, truncation or bytes of another object raise {@link CorruptObjectException}; the
     * header is checked at once, the frames as they are read, and the end of the stream is only
     * reported once the final frame has been verified.
     */
    public InputStream decoder(String objectKey, InputStream raw) throws IOException {
        try {
            return new Decoder(objectKey, new FrameReader(objectKey, raw, keys));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Decodes the object to its end (throwing if it is damaged) and returns the id of the data key that sealed it. */
    String verify(String objectKey, InputStream raw) throws IOException {
        FrameReader frames;
        try {
            frames = new FrameReader(objectKey, raw, keys);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        try (InputStream in = new Decoder(objectKey, frames)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return frames.keyId();
    }
}
