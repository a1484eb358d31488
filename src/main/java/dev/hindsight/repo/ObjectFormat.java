package dev.hindsight.repo;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The byte layout of a repository object (all integers big-endian):
 * <pre>
 * header  magic "HSOB" | version 1 | key salt (16) | nonce prefix (8) | CRC32C of the preceding 29 bytes
 *    or   magic "HSOB" | version 2 | data key id (8) | key salt (16) | nonce prefix (8) | CRC32C of the preceding 37 bytes
 * frame*  word (bit 31: final frame, bits 0-30: ciphertext length) | CRC32C of word + ciphertext | ciphertext
 * </pre>
 * Version 1 objects are sealed with the repository's first data key; version 2 names the key
 * (written once a key has been rotated, so a repository that never rotates keeps version 1).
 * The ciphertext of a frame is up to 64 KiB of the zstd stream sealed with AES-256-GCM (16-byte
 * tag at its end). Non-final frames are full; the final frame may be empty; nothing follows it.
 * The CRCs tell damage apart from a wrong key: a flipped bit fails its CRC, while bytes sealed
 * under another key or object name pass the CRC and fail authentication.
 */
final class ObjectFormat {
    static final byte[] MAGIC = {'H', 'S', 'O', 'B'};
    static final int VERSION = 1;
    static final int VERSION_WITH_KEY_ID = 2;
    static final int SALT_SIZE = 16;
    static final int NONCE_PREFIX_SIZE = 8;
    static final int KEY_ID_SIZE = 8;
    /** What is read first: enough to know the version, and so the header's length. */
    static final int PREAMBLE_SIZE = MAGIC.length + 1;
    static final int HEADER_SIZE = PREAMBLE_SIZE + SALT_SIZE + NONCE_PREFIX_SIZE + 4;
    static final int HEADER_WITH_KEY_ID_SIZE = HEADER_SIZE + KEY_ID_SIZE;

    static final int FRAME_PLAINTEXT_MAX = 64 * 1024;
    static final int TAG_SIZE = 16;
    static final int FRAME_CIPHERTEXT_MAX = FRAME_PLAINTEXT_MAX + TAG_SIZE;
    static final int FRAME_HEADER_SIZE = 8;
    static final int FINAL_BIT = 0x8000_0000;

    private ObjectFormat() {
    }

    /**
     * What an object's header carries: the inputs of its per-object key and nonces, and (version
     * 2) the id of the data key it is sealed with, null in version 1.
     */
    record Header(int version, byte[] keyId, byte[] salt, byte[] noncePrefix) {
        Header(byte[] salt, byte[] noncePrefix) {
            this(VERSION, null, salt, noncePrefix);
        }

        int size() {
            return version == VERSION ? HEADER_SIZE : HEADER_WITH_KEY_ID_SIZE;
        }

        byte[] encode() {
            byte[] header = new byte[size()];
            System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
            header[MAGIC.length] = (byte) version;
            int at = PREAMBLE_SIZE;
            if (version == VERSION_WITH_KEY_ID) {
                System.arraycopy(keyId, 0, header, at, KEY_ID_SIZE);
                at += KEY_ID_SIZE;
            }
            System.arraycopy(salt, 0, header, at, SALT_SIZE);
            System.arraycopy(noncePrefix, 0, header, at + SALT_SIZE, NONCE_PREFIX_SIZE);
            putInt(header, header.length - 4, crc(header, 0, header.length - 4));
            return header;
        }

        /** The whole header's length from its first {@link #PREAMBLE_SIZE} bytes, or a problem in words. */
        static Object sizeOrProblem(byte[] preamble) {
            if (!Arrays.equals(preamble, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                return "it does not start like a Hindsight object (bad magic bytes)";
            }
            int version = preamble[MAGIC.length] & 0xff;
            if (version == VERSION) {
                return HEADER_SIZE;
            }
            if (version == VERSION_WITH_KEY_ID) {
                return HEADER_WITH_KEY_ID_SIZE;
            }
            return "format version " + version + " is not readable by this Hindsight (it reads versions "
                    + VERSION + " and " + VERSION_WITH_KEY_ID + "); was it written by a newer release?";
        }

        /** Parses a header, or says in words what is wrong with it (null when it is fine). */
        static String problem(byte[] header) {
            Object size = sizeOrProblem(header);
            if (size instanceof String problem) {
                return problem;
            }
            if (header.length != (int) size) {
                return "truncated in the header (" + header.length + " bytes)";
            }
            if (getInt(header, header.length - 4) != crc(header, 0, header.length - 4)) {
                return "checksum mismatch in the header";
            }
            return null;
        }

        static Header decode(byte[] header) {
            int version = header[MAGIC.length] & 0xff;
            int at = PREAMBLE_SIZE;
            byte[] keyId = null;
            if (version == VERSION_WITH_KEY_ID) {
                keyId = Arrays.copyOfRange(header, at, at + KEY_ID_SIZE);
                at += KEY_ID_SIZE;
            }
            return new Header(version, keyId, Arrays.copyOfRange(header, at, at + SALT_SIZE),
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
