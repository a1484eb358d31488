package dev.hindsight.engine.mariadb;

import java.util.zip.CRC32;

/**
 * The common header of a binary log event (v4), read from its raw bytes: 19 bytes of timestamp,
 * type, server id, length, the position just after it in its file, and flags.
 */
final class BinlogEvent {
    static final int HEADER = 19;
    static final int STOP = 3;
    static final int ROTATE = 4;
    static final int FORMAT_DESCRIPTION = 15;
    static final int XID = 16;
    static final int QUERY = 2;
    static final int HEARTBEAT = 27;
    static final int GTID = 162;
    /** Made up by the server for a replica (a rotate to where streaming starts, a GTID list); not in any file. */
    static final int FLAG_ARTIFICIAL = 0x20;
    /** In a format description: the file is still open (the server clears it in what it sends). */
    static final int FLAG_IN_USE = 0x01;
    static final int CHECKSUM_LENGTH = 4;
    static final int CHECKSUM_CRC32 = 1;

    private BinlogEvent() {
    }

    static long timestamp(byte[] e) {
        return u32(e, 0);
    }

    static int type(byte[] e) {
        return e[4] & 0xff;
    }

    static long serverId(byte[] e) {
        return u32(e, 5);
    }

    static long length(byte[] e) {
        return u32(e, 9);
    }

    /** Where the next event starts in the file this one belongs to; 0 for an event that belongs to none. */
    static long nextPosition(byte[] e) {
        return u32(e, 13);
    }

    static int flags(byte[] e) {
        return (e[17] & 0xff) | (e[18] & 0xff) << 8;
    }

    static boolean artificial(byte[] e) {
        return (flags(e) & FLAG_ARTIFICIAL) != 0;
    }

    /** Whether the events after this format description carry a CRC32 (its last five bytes: algorithm, CRC). */
    static boolean formatDescriptionHasChecksum(byte[] e) {
        return e.length >= HEADER + CHECKSUM_LENGTH + 1 && e[e.length - CHECKSUM_LENGTH - 1] == CHECKSUM_CRC32;
    }

    /** Whether the event's trailing CRC32 matches its bytes. */
    static boolean checksumMatches(byte[] e) {
        CRC32 crc = new CRC32();
        crc.update(e, 0, e.length - CHECKSUM_LENGTH);
        return crc.getValue() == u32(e, e.length - CHECKSUM_LENGTH);
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
