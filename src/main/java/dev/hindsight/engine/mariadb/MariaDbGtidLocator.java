package dev.hindsight.engine.mariadb;

import dev.hindsight.util.HindsightException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Places a replica's backup in its primary's binary log, where a restore replays from, and proves
 * the place: the server's own GTID position there ({@code BINLOG_GTID_POS}) must be exactly the
 * replica's. By position, the place is the one --slave-info names. By GTID, it is the start of the
 * first transaction after the replica's GTID position, read with {@code SHOW BINLOG EVENTS} from a
 * transaction boundary at or before it (the replica's executed position seen before the backup);
 * a transaction start is a boundary whatever the transaction is (DDL, XA, rolled back). A replica
 * that wrote transactions of its own, follows another server or applied GTID domains out of order
 * holds no such place, and is refused rather than replayed with a gap or twice.
 */
final class MariaDbGtidLocator {
    private static final Pattern GTID_EVENT = Pattern.compile("(?:^|\\s)GTID (\\d+)-(\\d+)-(\\d+)");
    private static final Pattern GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

    /** The replica's backup has no single place in the server's binary log. */
    static final class UnmappableException extends HindsightException {
        UnmappableException(String message) {
            super(Kind.FAILED, message, "check the replica (SHOW SLAVE STATUS, writes made on it); until then"
                    + " backups are taken from the server itself");
        }
    }

    private MariaDbGtidLocator() {
    }

    /** The domain → sequence number of a GTID position such as {@code 0-11-7,1-11-3}. */
    static Map<Long, Long> parse(String gtidPosition) {
        Map<Long, Long> last = new HashMap<>();
        for (String part : gtidPosition.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = GTID.matcher(part.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a GTID position: '" + gtidPosition + "'");
            }
            last.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(3)));
        }
        return last;
    }

    /** Whether two GTID positions name the same transactions, in whatever order they are written. */
    static boolean same(String a, String b) {
        return new java.util.HashSet<>(List.of(a.replace(" ", "").split(",")))
                .equals(new java.util.HashSet<>(List.of(b.replace(" ", "").split(","))));
    }

    /**
     * The place of {@code point} in the server's log, with the server's GTID position there.
     *
     * @param executed a transaction boundary in the server's log at or before the point (used by GTID)
     */
    static BinlogPosition onTheServer(Connection primary, BinlogPosition executed, ReplicaPoint point)
            throws SQLException {
        if (point.position() != null) {
            BinlogPosition at = gtidAt(primary, point.position());
            if (point.ownGtid() != null && !point.ownGtid().isBlank() && !same(point.ownGtid(), at.gtid())) {
                throw new UnmappableException("the replica's data is at GTID position " + point.ownGtid()
                        + ", the server's binary log at " + at.text() + " at " + at.gtid()
                        + ": the replica wrote transactions of its own or follows another server");
            }
            return at;
        }
        BinlogPosition at = gtidAt(primary, locate(primary, executed, point.gtid()));
        if (!same(point.gtid(), at.gtid())) {
            throw new UnmappableException("the replica's GTID position " + point.gtid() + " is no place in the"
                    + " server's binary log (the nearest, " + at.text() + ", is at " + at.gtid() + "): it applied"
                    + " GTID domains out of order, wrote transactions of its own or follows another server");
        }
        return at;
    }

    /**
     * The start of the first transaction after {@code gtidPosition} from {@code from} on, or the
     * end of the log when none follows.
     */
    static BinlogPosition locate(Connection primary, BinlogPosition from, String gtidPosition) throws SQLException {
        Map<Long, Long> target = parse(gtidPosition);
        BinlogPosition last = from;
        try (Statement s = primary.createStatement()) {
            for (String file : filesFrom(s, from)) {
                long start = file.equals(from.file()) ? from.offset() : BinlogPosition.FIRST_EVENT;
                try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN " + MariaDbLogins.literal(file) + " FROM "
                        + start)) {
                    while (rs.next()) {
                        String info = rs.getString("Info");
                        if ("Gtid".equals(rs.getString("Event_type")) && info != null) {
                            Matcher g = GTID_EVENT.matcher(info);
                            if (g.find()) {
                                Long wanted = target.get(Long.parseLong(g.group(1)));
                                if (wanted == null || Long.parseLong(g.group(3)) > wanted) {
                                    return new BinlogPosition(file, rs.getLong("Pos"));
                                }
                            }
                        }
                        last = new BinlogPosition(file, rs.getLong("End_log_pos"));
                    }
                }
            }
        }
        return last;
    }

    /**
     * {@code at} with the server's GTID position there, as the server computes it
     * ({@code BINLOG_GTID_POS}).
     */
    static BinlogPosition gtidAt(Connection primary, BinlogPosition at) throws SQLException {
        try (java.sql.PreparedStatement s = primary.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            s.setString(1, at.file());
            s.setLong(2, at.offset());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                String gtid = rs.getString(1);
                if (gtid == null) {
                    throw new UnmappableException("the server has no binary log position " + at.text()
                            + ", where the replica's backup would start");
                }
                return new BinlogPosition(at.file(), at.offset(), gtid);
            }
        }
    }

    private static List<String> filesFrom(Statement s, BinlogPosition from) throws SQLException {
        List<String> files = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (BinlogPosition.isFileName(name) && BinlogPosition.sequenceOf(name) >= from.sequence()) {
                    files.add(name);
                }
            }
        }
        if (files.isEmpty() || !files.get(0).equals(from.file())) {
            throw new UnmappableException("the server no longer has binary log " + from.file()
                    + ", where its replica's backup starts");
        }
        return files;
    }
}
