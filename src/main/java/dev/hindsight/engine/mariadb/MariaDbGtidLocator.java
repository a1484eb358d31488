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
 * Turns a replica's point into the place in its primary's binary log that a restore
 * replays from: the end of the last transaction the position names, read with
 * {@code SHOW BINLOG EVENTS} from a transaction boundary at or before it (the replica's executed
 * position seen before the backup). A replica applies its primary's log in order, so what it
 * holds is a prefix of that log; a position that is not one (domains applied out of order) is
 * refused rather than replayed with a gap.
 */
final class MariaDbGtidLocator {
    private static final Pattern GTID_EVENT = Pattern.compile("^(BEGIN )?GTID (\\d+)-(\\d+)-(\\d+)");
    private static final Pattern GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

    private MariaDbGtidLocator() {
    }

    /** The domain → sequence number of a GTID position such as {@code 0-11-7,1-11-3}. */
    static Map<Long, Long> parse(String gtidPosition) {
        Map<Long, Long> last = new HashMap<>();
        for (String part : gtidPosition.split(",")) {
            Matcher m = GTID.matcher(part.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a GTID position: '" + gtidPosition + "'");
            }
            last.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(3)));
        }
        return last;
    }

    /**
     * @param from a transaction boundary in the primary's log at or before the end of every
     *             transaction {@code gtidPosition} names
     */
    static BinlogPosition locate(Connection primary, BinlogPosition from, String gtidPosition) throws SQLException {
        Map<Long, Long> target = parse(gtidPosition);
        java.util.Set<Long> settled = new java.util.HashSet<>();
        BinlogPosition end = from;
        BinlogPosition firstBeyond = null;
        try (Statement s = primary.createStatement()) {
            for (String file : filesFrom(s, from)) {
                long start = file.equals(from.file()) ? from.offset() : BinlogPosition.FIRST_EVENT;
                boolean inTarget = false;
                boolean grouped = false;
                try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN " + MariaDbLogins.literal(file) + " FROM "
                        + start)) {
                    while (rs.next()) {
                        String type = rs.getString("Event_type");
                        String info = rs.getString("Info");
                        long endPos = rs.getLong("End_log_pos");
                        Matcher g = "Gtid".equals(type) && info != null ? GTID_EVENT.matcher(info) : null;
                        if (g != null && g.find()) {
                            long domain = Long.parseLong(g.group(2));
                            long seq = Long.parseLong(g.group(4));
                            Long wanted = target.get(domain);
                            inTarget = wanted != null && seq == wanted;
                            grouped = g.group(1) != null;
                            if (wanted == null || seq > wanted) {
                                if (firstBeyond == null) {
                                    firstBeyond = new BinlogPosition(file, rs.getLong("Pos"));
                                }
                                if (wanted != null) {
                                    settled.add(domain);
                                }
                            }
                            continue;
                        }
                        if (inTarget && (!grouped || "Xid".equals(type) || ("Query".equals(type)
                                && "COMMIT".equalsIgnoreCase(String.valueOf(info).strip())))) {
                            end = new BinlogPosition(file, endPos);
                            inTarget = false;
                        }
                        if (settled.size() == target.size()) {
                            break;
                        }
                    }
                }
                if (settled.size() == target.size()) {
                    break;
                }
            }
        }
        if (firstBeyond != null && firstBeyond.isBefore(end)) {
            throw new HindsightException(HindsightException.Kind.FAILED, "the replica's GTID position "
                    + gtidPosition + " is not one place in the server's binary log: a transaction at " + firstBeyond
                    + " is not in it, one before " + end + " is (domains applied out of order)",
                    "replicate in order (slave_parallel_mode=conservative or MASTER_USE_GTID=no); until then"
                            + " back up the server itself");
        }
        return new BinlogPosition(end.file(), end.offset(), gtidPosition);
    }

    /**
     * {@code at} with the server's GTID position there, as the server computes it
     * ({@code BINLOG_GTID_POS}): the replica's own GTID state would also count any transaction
     * written on the replica itself.
     */
    static BinlogPosition gtidAt(Connection primary, BinlogPosition at) throws SQLException {
        try (java.sql.PreparedStatement s = primary.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            s.setString(1, at.file());
            s.setLong(2, at.offset());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                String gtid = rs.getString(1);
                if (gtid == null) {
                    throw new SQLException("the server has no binary log position " + at);
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
            throw new HindsightException(HindsightException.Kind.FAILED, "the server no longer has binary log "
                    + from.file() + ", where its replica's backup starts", "back up the server itself");
        }
        return files;
    }
}
