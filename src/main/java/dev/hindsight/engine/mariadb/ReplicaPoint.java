package dev.hindsight.engine.mariadb;

import dev.hindsight.util.HindsightException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a backup taken on a replica is consistent in its primary's binary log, as
 * {@code mariadb-backup --slave-info} reports it (the line its own tests read back): the
 * primary's file and position for a replica that replicates by position, or the replica's
 * {@code gtid_slave_pos} for one that replicates by GTID, which {@link MariaDbGtidLocator}
 * turns into a position.
 *
 * @param position the primary's file and position; null when replicating by GTID
 * @param gtid     the GTID position; null when replicating by file and position
 * @param ownGtid  the replica's own GTID position at the backup (mariadb-backup's "GTID of the
 *                 last change"), when it writes a binary log: what the server's must be there
 */
record ReplicaPoint(BinlogPosition position, String gtid, String ownGtid) {
    /** The same point, with the replica's own GTID position at it. */
    ReplicaPoint withOwnGtid(String own) {
        return new ReplicaPoint(position, gtid, own);
    }

    private static final Pattern BY_POSITION = Pattern.compile(
            "MySQL slave binlog position: master '([^']*)' filename '([^']+)' position '(\\d+)'");
    private static final Pattern BY_GTID = Pattern.compile(
            "MySQL slave binlog position: gtid_slave_pos '([^']*)'(; master '([^']*)')?");

    /** The point in mariadb-backup's log (its standard error) of a backup run with --slave-info. */
    static ReplicaPoint fromLog(String log) {
        int points = log.split("MySQL slave binlog position:", -1).length - 1;
        if (points > 1) {
            throw new HindsightException(HindsightException.Kind.FAILED, "the replica replicates from " + points
                    + " sources: its backup is consistent with none of them alone",
                    "back up a replica of this server alone, or the server itself");
        }
        Matcher byPosition = BY_POSITION.matcher(log);
        if (byPosition.find()) {
            return new ReplicaPoint(new BinlogPosition(byPosition.group(2), Long.parseLong(byPosition.group(3))),
                    null, null);
        }
        Matcher byGtid = BY_GTID.matcher(log);
        if (byGtid.find() && !byGtid.group(1).isBlank()) {
            return new ReplicaPoint(null, byGtid.group(1).strip(), null);
        }
        throw new HindsightException(HindsightException.Kind.FAILED, "mariadb-backup --slave-info recorded no"
                + " position in the primary's binary log (is the replica replicating?)",
                "check SHOW SLAVE STATUS on the replica; backups fall back to the server while it does not run");
    }
}
