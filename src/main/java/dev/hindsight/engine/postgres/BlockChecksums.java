package dev.hindsight.engine.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The CRC32C of every 8 KiB block of one file (the last block may be shorter), and the file's
 * digest: SHA-256 over those CRCs, big-endian. Per-block checksums are what let a differential
 * confirm that a page equals the full's copy without reading the full, and record the checksum
 * of the file a restore assembles from both. CRC32C runs at tens of GB/s (SHA-256 at ~1.5 GB/s),
 * which is what makes reading a whole data directory for a differential cheap; PostgreSQL's own
 * backup manifests use CRC32C per file by default, one per block is stricter.
 */
final class BlockChecksums {
    /** PostgreSQL's page size (BLCKSZ), the unit a differential reuses or stores. */
    static final int BLOCK = 8192;

    private final CRC32C crc = new CRC32C();
    private int[] values = new int[16];
    private int count;

    /** Adds the next block ({@code length} ≤ {@link #BLOCK} bytes) and returns its CRC32C. */
    int add(byte[] bytes, int offset, int length) {
        crc.reset();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        addKnown(value);
        return value;
    }

    /** Adds the next block by a CRC32C already known (a page taken from the full unread). */
    void addKnown(int value) {
        ensureRoom(1);
        values[count++] = value;
    }

    /** Adds the next blocks by CRC32Cs already known: {@code known[from..to)}. */
    void addKnown(int[] known, int from, int to) {
        ensureRoom(to - from);
        System.arraycopy(known, from, values, count, to - from);
        count += to - from;
    }

    private void ensureRoom(int more) {
        if (count + more > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, count + more));
        }
    }

    /** Adds {@code length} bytes as consecutive blocks; only the very last block of a file may be short. */
    void addAll(byte[] bytes, int offset, int length) {
        for (int p = 0; p < length; p += BLOCK) {
            add(bytes, offset + p, Math.min(BLOCK, length - p));
        }
    }

    int count() {
        return count;
    }

    int[] values() {
        return Arrays.copyOf(values, count);
    }

    /** The file's digest (hashed here at once: one call per block costs more than the hashing). */
    String digest() {
        ByteBuffer bigEndian = ByteBuffer.allocate(count * 4);
        bigEndian.asIntBuffer().put(values, 0, count);
        return HexFormat.of().formatHex(BackupFileReader.sha256().digest(bigEndian.array()));
    }

    /** The digest of a file on disk, as {@link #digest()} would record it. */
    static String digestOf(Path file, ByteBuffer buffer) throws IOException {
        if (buffer.capacity() % BLOCK != 0 || !buffer.hasArray()) {
            throw new IllegalArgumentException("the buffer must be a heap buffer of whole blocks");
        }
        BlockChecksums sums = new BlockChecksums();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                while (buffer.hasRemaining() && in.read(buffer) >= 0) {
                    // fill whole blocks: a short read in the middle would misalign them
                }
                if (buffer.position() == 0) {
                    break;
                }
                sums.addAll(buffer.array(), 0, buffer.position());
                if (buffer.hasRemaining()) {
                    break;
                }
            }
        }
        return sums.digest();
    }
}
