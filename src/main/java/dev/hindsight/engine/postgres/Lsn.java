package dev.hindsight.engine.postgres;

import dev.hindsight.plan.Position;

/**
 * A PostgreSQL WAL position (log sequence number). Compared as an unsigned 64-bit value;
 * printed and parsed in PostgreSQL's {@code XXXXXXXX/XXXXXXXX} form.
 */
public record Lsn(long value) implements Position, Comparable<Lsn> {
    /** WAL segment size of every server Hindsight manages (initdb's default). */
    public static final long SEGMENT_SIZE = 16L * 1024 * 1024;

    public static final Lsn ZERO = new Lsn(0);

    public static Lsn parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN (expected XXXXXXXX/XXXXXXXX): " + text);
        }
        long hi = Long.parseLong(text.substring(0, slash), 16);
        long lo = Long.parseLong(text.substring(slash + 1), 16);
        return new Lsn((hi << 32) | lo);
    }

    public static Lsn of(long segno, long offsetInSegment) {
        return new Lsn(segno * SEGMENT_SIZE + offsetInSegment);
    }

    public long segment() {
        return Long.divideUnsigned(value, SEGMENT_SIZE);
    }

    public long offsetInSegment() {
        return Long.remainderUnsigned(value, SEGMENT_SIZE);
    }

    public Lsn segmentStart() {
        return of(segment(), 0);
    }

    public Lsn plus(long bytes) {
        return new Lsn(value + bytes);
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    public boolean isBefore(Lsn other) {
        return compareTo(other) < 0;
    }

    /** PostgreSQL's file name for the segment holding this position on {@code timeline}. */
    public String walFileName(int timeline) {
        long segno = segment();
        long segmentsPerXLogId = 0x100000000L / SEGMENT_SIZE;
        return String.format("%08X%08X%08X", timeline, segno / segmentsPerXLogId, segno % segmentsPerXLogId);
    }

    /** The segment number a WAL file name ({@link #walFileName}) stands for, whatever its timeline. */
    public static long segmentOf(String walFileName) {
        if (walFileName.length() != 24) {
            throw new IllegalArgumentException("not a WAL file name (24 hex digits): " + walFileName);
        }
        long segmentsPerXLogId = 0x100000000L / SEGMENT_SIZE;
        return Long.parseLong(walFileName.substring(8, 16), 16) * segmentsPerXLogId
                + Long.parseLong(walFileName.substring(16, 24), 16);
    }

    /**
     * The LSN a position of the engine interface stands for; a position of another engine here is
     * a programming error.
     */
    public static Lsn of(Position position) {
        if (position instanceof Lsn lsn) {
            return lsn;
        }
        throw new IllegalArgumentException("not a PostgreSQL WAL position: " + position);
    }

    @Override
    public String text() {
        return toString();
    }

    @Override
    public String toString() {
        return String.format("%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
