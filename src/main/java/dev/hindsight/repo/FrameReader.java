package dev.hindsight.repo;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Verifies and opens the frames of one object, giving back the compressed stream. It reports
 * the end of the stream only after the final frame has been authenticated and nothing follows
 * it, so a reader that reaches the end has seen the whole object, unaltered.
 */
final class FrameReader extends InputStream {
    private final String key;
    private final InputStream raw;
    private final FrameCipher cipher;
    private final byte[] frame = new byte[ObjectFormat.FRAME_HEADER_SIZE + ObjectFormat.FRAME_CIPHERTEXT_MAX];
    private final byte[] plain = new byte[ObjectFormat.FRAME_CIPHERTEXT_MAX];
    private final CRC32C crc = new CRC32C();
    private final String keyId;
    private int position;
    private int limit;
    private int index;
    private boolean ended;

    FrameReader(String key, InputStream raw, DataKeys keys) throws IOException {
        this.key = key;
        this.raw = raw;
        byte[] preamble = new byte[ObjectFormat.PREAMBLE_SIZE];
        int n = raw.readNBytes(preamble, 0, preamble.length);
        if (n < preamble.length) {
            throw corrupt(n == 0 ? "it is empty (no header): truncated" : "truncated in the header (" + n + " bytes)");
        }
        Object size = ObjectFormat.Header.sizeOrProblem(preamble);
        if (size instanceof String problem) {
            throw corrupt(problem);
        }
        byte[] header = java.util.Arrays.copyOf(preamble, (int) size);
        n += raw.readNBytes(header, preamble.length, header.length - preamble.length);
        if (n < header.length) {
            throw corrupt("truncated in the header (" + n + " bytes)");
        }
        String problem = ObjectFormat.Header.problem(header);
        if (problem != null) {
            throw corrupt(problem);
        }
        ObjectFormat.Header parsed = ObjectFormat.Header.decode(header);
        this.keyId = parsed.keyId() == null ? keys.first().id() : java.util.HexFormat.of().formatHex(parsed.keyId());
        SecretKey macKey = keys.macKey(parsed.keyId()).orElseThrow(() -> new MissingKeyException(key, keyId));
        this.cipher = new FrameCipher(macKey, parsed, key, Cipher.DECRYPT_MODE);
    }

    /** The id of the data key the object is sealed with. */
    String keyId() {
        return keyId;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !nextFrame()) {
            return -1;
        }
        return plain[position++] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit && !nextFrame()) {
            return -1;
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(plain, position, bytes, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }

    /** Loads the next frame with data; false at the verified end of the object. */
    private boolean nextFrame() throws IOException {
        while (!ended) {
            int n = raw.readNBytes(frame, 0, ObjectFormat.FRAME_HEADER_SIZE);
            if (n < ObjectFormat.FRAME_HEADER_SIZE) {
                throw corrupt("it ends " + (n == 0 ? "after " : "inside the header of ") + "frame " + index
                        + " without its final frame: truncated");
            }
            int word = ObjectFormat.getInt(frame, 0);
            boolean last = (word & ObjectFormat.FINAL_BIT) != 0;
            int length = word & ~ObjectFormat.FINAL_BIT;
            if (length < ObjectFormat.TAG_SIZE || length > ObjectFormat.FRAME_CIPHERTEXT_MAX) {
                throw corrupt("frame " + index + " claims an impossible length of " + length + " bytes (damaged)");
            }
            n = raw.readNBytes(frame, ObjectFormat.FRAME_HEADER_SIZE, length);
            if (n < length) {
                throw corrupt("it ends inside frame " + index + " (" + n + " of " + length + " bytes): truncated");
            }
            crc.reset();
            crc.update(frame, 0, 4);
            crc.update(frame, ObjectFormat.FRAME_HEADER_SIZE, length);
            if ((int) crc.getValue() != ObjectFormat.getInt(frame, 4)) {
                throw corrupt("checksum mismatch in frame " + index);
            }
            try {
                limit = cipher.open(index, last, frame, ObjectFormat.FRAME_HEADER_SIZE, length, plain);
            } catch (AEADBadTagException e) {
                throw corrupt("frame " + index + " fails authentication: it was written under another name or"
                        + " repository key, moved, or altered with its checksum");
            }
            position = 0;
            index++;
            if (last) {
                ended = true;
                if (raw.read() != -1) {
                    throw corrupt("unexpected bytes after the final frame " + (index - 1));
                }
            }
            if (limit > 0) {
                return true;
            }
        }
        return false;
    }

    private CorruptObjectException corrupt(String detail) {
        return new CorruptObjectException(key, detail);
    }
}
