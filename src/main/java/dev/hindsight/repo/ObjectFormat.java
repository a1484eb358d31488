package dev.hindsight.repo;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The byte layout of a repository object (all integers big-endian):
 * <pre>
 * header  magic "HSOB" | version 1 | key salt (16) | nonce prefix (8) | CRC32C of the preceding 29 bytes
 * frame*  word (bit 31: final frame, bits 0-30: ciphertext length) | CRC32C of word + ciphertext | ciphertext
 * </pre>
 * The ciphertext of a frame is up to 64 KiB of the zstd stream sealed with AES-256-GCM (16-byte
 * tag at its end). Non-final frames are full; the final frame may be empty; nothing follows it.
 * The CRCs tell damage apart from a wrong key: a flipped bit fails its CRC, while bytes sealed
 * under another key or object name pass the CRC and fail authentication.
 */
final class ObjectFormat {
    static final byte[] MAGIC = {'H', 'S', 'O', 'B'};
    static final int VERSION = 1;
    static final int SALT_SIZE = 16;
    static final int NONCE_PREFIX_SIZE = 8;
    static final int HEADER_SIZE = MAGIC.length + 1 + SALT_SIZE + NONCE_PREFIX_SIZE + 4;

    static final int FRAME_PLAINTEXT_MAX = 64 * 1024;
    static final int TAG_SIZE = 16;
    static final int FRAME_CIPHERTEXT_MAX = FRAME_PLAINTEXT_MAX + TAG_SIZE;
    static final int FRAME_HEADER_SIZE = 8;
    static final int FINAL_BIT = 0x8000_0000;

    private ObjectFormat() {
    }

    /** What an object's header carries: the inputs of its per-object key and nonces. */
    record Header(byte[] salt, byte[] noncePrefix) {
        byte[] encode() {
            byte[] header = new byte[HEADER_SIZE];
            System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
            header[MAGIC.length] = (byte) VERSION;
            System.arraycopy(salt, 0, header, MAGIC.length + 1, SALT_SIZE);
            System.arraycopy(noncePrefix, 0, header, MAGIC.length + 1 + SALT_SIZE, NONCE_PREFIX_SIZE);
            putInt(header, HEADER_SIZE - 4, crc(header, 0, HEADER_SIZE - 4));
            return header;
        }

        /** Parses a header, or says in words what is wrong with it (null when it is fine). */
        static String problem(byte[] header) {
            if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                return "it does not start like a Hindsight object (bad magic bytes)";
            }
            if (getInt(header, HEADER_SIZE - 4) != crc(header, 0, HEADER_SIZE - 4)) {
                return "checksum mismatch in the header";
            }
            int version = header[MAGIC.length] & 0xff;
            if (version != VERSION) {
                return "format version " + version + " is not readable by this Hindsight (it reads version "
                        + VERSION + "); was it written by a newer release?";
            }
            return null;
        }

        static Header decode(byte[] header) {
            int at = MAGIC.length + 1;
            return new Header(Arrays.copyOfRange(header, at, at + SALT_SIZE),
                    Arrays.copyOfRange(header, at + SALT_SIZE, at + SALT_SIZE + NONCE_PREFIX_SIZE));
        }
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    static int getInt(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | (bytes[at + 3] & 0xff);
    }
}
