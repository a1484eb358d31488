package dev.hindsight.engine.mariadb;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Builds binary log files event by event, with CRC32 checksums, as MariaDB 10.11 writes them. */
final class BinlogEvents {
    static final long SERVER = 7;
    private final ByteArrayOutputStream file = new ByteArrayOutputStream();
    private final String name;

    BinlogEvents(String name) {
        this.name = name;
        file.writeBytes(new byte[]{(byte) 0xfe, 'b', 'i', 'n'});
        formatDescription();
    }

    String name() {
        return name;
    }

    long position() {
        return file.size();
    }

    byte[] bytes() {
        return file.toByteArray();
    }

    /** Appends an event with {@code body} and returns its raw bytes (header, body, CRC32). */
    byte[] event(int type, long timestamp, byte[] body) {
        return event(type, timestamp, body, 0);
    }

    byte[] event(int type, long timestamp, byte[] body, int flags) {
        int length = BinlogEvent.HEADER + body.length + BinlogEvent.CHECKSUM_LENGTH;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) timestamp).put((byte) type).putInt((int) SERVER).putInt(length)
                .putInt((int) (file.size() + length)).putShort((short) flags).put(body);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, length - BinlogEvent.CHECKSUM_LENGTH);
        b.putInt((int) crc.getValue());
        file.writeBytes(b.array());
        return b.array();
    }

    private void formatDescription() {
        byte[] body = new byte[2 + 50 + 4 + 1 + 10 + 1];
        body[0] = 4;
        body[body.length - 1] = BinlogEvent.CHECKSUM_CRC32; // the algorithm, then the CRC
        event(BinlogEvent.FORMAT_DESCRIPTION, 1, body);
    }

    void gtid(long timestamp, long seq, boolean standalone) {
        ByteBuffer b = ByteBuffer.allocate(13 + 6).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(seq).putInt(0).put((byte) (standalone ? 1 : 0));
        event(BinlogEvent.GTID, timestamp, b.array());
    }

    void query(long timestamp, String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(13 + 0 + 1 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(0).put((byte) 0).putShort((short) 0).putShort((short) 0).put((byte) 0).put(text);
        event(BinlogEvent.QUERY, timestamp, b.array());
    }

    void rows(long timestamp, int bytes) {
        event(23, timestamp, new byte[bytes]);
    }

    void xid(long timestamp) {
        event(BinlogEvent.XID, timestamp, new byte[8]);
    }

    /** A row transaction: GTID, table map and rows, XID. */
    void transaction(long timestamp, long seq) {
        gtid(timestamp, seq, false);
        event(19, timestamp, new byte[20]);
        rows(timestamp, 40);
        xid(timestamp);
    }

    void rotate(long timestamp, String next) {
        byte[] n = next.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(4).put(n);
        event(BinlogEvent.ROTATE, timestamp, b.array());
    }
}
