package dev.hindsight.engine.mariadb;

import dev.hindsight.plan.Position;
import dev.hindsight.util.HindsightException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place in a server's binary log: byte {@code offset} of file {@code file}
 * ({@code binlog.000042}). Files are ordered by the number after the last dot, which is how the
 * server numbers them; the catalog keeps the text form {@code binlog.000042:1234}.
 *
 * @param gtid the server's GTID position there ({@code gtid_binlog_pos}, e.g. {@code 0-1-42}) when
 *             known, else empty. It describes the place, the file and offset are the place: it
 *             takes no part in equality or order.
 */
public record BinlogPosition(String file, long offset, String gtid) implements Position, Comparable<BinlogPosition> {
    /** Every binary log file starts with these four bytes; the first event follows them. */
    public static final long FIRST_EVENT = 4;
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_.-]+\\.(\\d{6,})");
    private static final Pattern TEXT = Pattern.compile("(.+):(\\d+)");

    public BinlogPosition {
        sequenceOf(file);
        if (offset < 0) {
            throw new IllegalArgumentException("negative binlog offset " + offset);
        }
        gtid = gtid == null ? "" : gtid;
    }

    public BinlogPosition(String file, long offset) {
        this(file, offset, "");
    }

    /**
     * The binary log position a position of the engine interface stands for; a position of
     * another engine here is a programming error.
     */
    public static BinlogPosition of(Position position) {
        if (position instanceof BinlogPosition p) {
            return p;
        }
        throw new IllegalArgumentException("not a binary log position: " + position);
    }

    /** The number a binary log file name ends in. */
    public static long sequenceOf(String file) {
        Matcher m = FILE.matcher(file);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a binary log file name: '" + file + "'");
        }
        return Long.parseLong(m.group(1));
    }

    public static boolean isFileName(String name) {
        return FILE.matcher(name).matches();
    }

    public static BinlogPosition parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches() || !isFileName(m.group(1))) {
            throw HindsightException.invalid("'" + text + "' is not a binary log position",
                    "write FILE:OFFSET, e.g. binlog.000003:1234");
        }
        return new BinlogPosition(m.group(1), Long.parseLong(m.group(2)));
    }

    public long sequence() {
        return sequenceOf(file);
    }

    /** The name of the file after this one: the same base name, the number one up, as wide. */
    public static String nextFile(String file) {
        int dot = file.lastIndexOf('.');
        String digits = file.substring(dot + 1);
        String next = Long.toString(Long.parseLong(digits) + 1);
        return file.substring(0, dot + 1) + "0".repeat(Math.max(0, digits.length() - next.length())) + next;
    }

    public boolean isBefore(BinlogPosition other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(BinlogPosition o) {
        int c = Long.compare(sequence(), o.sequence());
        return c != 0 ? c : Long.compare(offset, o.offset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinlogPosition p && file.equals(p.file) && offset == p.offset;
    }

    @Override
    public int hashCode() {
        return file.hashCode() * 31 + Long.hashCode(offset);
    }

    @Override
    public String text() {
        return file + ":" + offset;
    }

    @Override
    public String toString() {
        return gtid.isEmpty() ? text() : text() + " (GTID " + gtid + ")";
    }
}
