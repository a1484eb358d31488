package dev.hindsight.repo;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Cuts the compressed stream into frames of {@link ObjectFormat#FRAME_PLAINTEXT_MAX} bytes,
 * seals each and writes it to the raw stream. A full frame is written as soon as it fills, so
 * the last frame, written by {@link #finish()}, may be empty: it exists to say "complete".
 */
final class FrameWriter extends OutputStream {
    private final OutputStream raw;
    private final FrameCipher cipher;
    private final byte[] plain = new byte[ObjectFormat.FRAME_PLAINTEXT_MAX];
    private final byte[] frame = new byte[ObjectFormat.FRAME_HEADER_SIZE + ObjectFormat.FRAME_CIPHERTEXT_MAX];
    private final CRC32C crc = new CRC32C();
    private int filled;
    private int index;
    private boolean done;

    FrameWriter(OutputStream raw, FrameCipher cipher, byte[] header) throws IOException {
        this.raw = raw;
        this.cipher = cipher;
        raw.write(header);
    }

    @Override
    public void write(int b) throws IOException {
        ensureWritable();
        plain[filled++] = (byte) b;
        if (filled == plain.length) {
            emit(false);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureWritable();
        while (length > 0) {
            int n = Math.min(length, plain.length - filled);
            System.arraycopy(bytes, offset, plain, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == plain.length) {
                emit(false);
            }
        }
    }

    /** Writes the final frame; the object is complete afterwards. */
    void finish() throws IOException {
        ensureWritable();
        emit(true);
        done = true;
    }

    /** Stops writing for good without a final frame, so the partial object can never decode. */
    void abandon() {
        done = true;
    }

    private void emit(boolean last) throws IOException {
        if (index == -1) {
            throw new IOException("object too large: more than 2^32 - 1 frames of 64 KiB");
        }
        int length = cipher.seal(index, last, plain, filled, frame, ObjectFormat.FRAME_HEADER_SIZE);
        ObjectFormat.putInt(frame, 0, length | (last ? ObjectFormat.FINAL_BIT : 0));
        crc.reset();
        crc.update(frame, 0, 4);
        crc.update(frame, ObjectFormat.FRAME_HEADER_SIZE, length);
        ObjectFormat.putInt(frame, 4, (int) crc.getValue());
        raw.write(frame, 0, ObjectFormat.FRAME_HEADER_SIZE + length);
        index++;
        filled = 0;
    }

    private void ensureWritable() throws IOException {
        if (done) {
            throw new IOException("the object is already finished or abandoned; nothing more can be written");
        }
    }
}
