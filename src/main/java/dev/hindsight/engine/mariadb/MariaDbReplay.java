package dev.hindsight.engine.mariadb;

import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays captured binary logs into a restored server with the server's own parallel
 * replication applier: the files go into its data directory as relay logs, and its SQL thread
 * applies them from the backup's position until the end of the chosen transaction
 * ({@code START SLAVE SQL_THREAD UNTIL RELAY_LOG_FILE, RELAY_LOG_POS}); no source server, no
 * network, no client round trip per statement. The server must be started with
 * {@link #serverOptions} (and a server id other than the source's: a replica skips its own
 * server id's events).
 */
final class MariaDbReplay {
    private static final Logger log = LoggerFactory.getLogger(MariaDbReplay.class);
    static final String RELAY_BASENAME = "relay";
    private static final Duration POLL = Duration.ofMillis(200);

    private MariaDbReplay() {
    }

    /** Options a server needs while it replays: relay logs by our name, no automatic start, parallel apply. */
    static List<String> serverOptions(int threads) {
        return List.of("relay-log=" + RELAY_BASENAME, "relay-log-index=" + RELAY_BASENAME + ".index",
                "skip-slave-start", "log_slave_updates=ON", "slave_parallel_threads=" + threads,
                "slave_parallel_mode=optimistic");
    }

    static String relayName(int index) {
        return String.format("%s.%06d", RELAY_BASENAME, index + 1);
    }

    /** Moves the staged binary logs into the data directory as relay logs 1…n, listed in the relay index. */
    static void installRelayLogs(List<Path> binlogs, Path dataDir) throws IOException {
        List<String> index = new ArrayList<>();
        for (int i = 0; i < binlogs.size(); i++) {
            Files.move(binlogs.get(i), dataDir.resolve(relayName(i)), StandardCopyOption.REPLACE_EXISTING);
            index.add("./" + relayName(i));
        }
        Files.write(dataDir.resolve(RELAY_BASENAME + ".index"), index);
        for (String stale : List.of("master.info", "relay-log.info", "multi-master.info")) {
            Files.deleteIfExists(dataDir.resolve(stale)); // a source that was itself a replica
        }
    }

    /**
     * Sets the restored server's GTID state to the backup's, so its own transactions continue the
     * source's sequence; run before anything is written to its binary log.
     */
    static void adoptGtidState(Connection c, String gtid) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("RESET MASTER");
            if (!gtid.isEmpty()) {
                s.execute("SET GLOBAL gtid_binlog_state = " + MariaDbLogins.literal(gtid));
                s.execute("SET GLOBAL gtid_slave_pos = " + MariaDbLogins.literal(gtid));
            }
        }
    }

    /**
     * Applies relay logs from {@code start} (the backup's position in the first file) to the end
     * of {@code until}, and waits for it; then checks that the server's replicated GTID position
     * is exactly {@code until}'s and forgets the replication setup.
     * <p>
     * The SQL thread stops by itself at an UNTIL position inside a file; one at the very end of
     * the last relay log is never "reached" (no event follows), so there the thread is stopped
     * once it has moved past that file — a stop lets the parallel workers finish every
     * transaction already read.
     */
    static void apply(Connection c, BinlogPosition start, BinlogTransactions.TransactionEnd until, Duration timeout)
            throws SQLException, InterruptedException {
        try (Statement s = c.createStatement()) {
            s.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='hindsight_replay',"
                    + " MASTER_USE_GTID=no, MASTER_LOG_FILE=" + MariaDbLogins.literal(start.file())
                    + ", MASTER_LOG_POS=" + start.offset() + ", RELAY_LOG_FILE='" + relayName(0)
                    + "', RELAY_LOG_POS=" + start.offset());
            s.execute("START SLAVE SQL_THREAD UNTIL RELAY_LOG_FILE='" + relayName(until.fileIndex())
                    + "', RELAY_LOG_POS=" + until.end());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Thread.sleep(POLL.toMillis());
                try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                    if (!rs.next()) {
                        throw new SQLException("the server shows no replication status while replaying");
                    }
                    int errno = rs.getInt("Last_SQL_Errno");
                    if (errno != 0) {
                        throw new HindsightException(HindsightException.Kind.FAILED, "replaying the binary log failed at "
                                + rs.getString("Relay_Master_Log_File") + ":" + rs.getLong("Exec_Master_Log_Pos")
                                + ": error " + errno + ": " + rs.getString("Last_SQL_Error"),
                                "the restored server's error log has the details; the source's log may hold a "
                                        + "statement that cannot be applied on its own");
                    }
                    if ("No".equals(rs.getString("Slave_SQL_Running"))) {
                        break;
                    }
                    if (relayIndex(rs.getString("Relay_Log_File")) > until.fileIndex()) {
                        s.execute("STOP SLAVE SQL_THREAD");
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    s.execute("STOP SLAVE");
                    throw new HindsightException(HindsightException.Kind.FAILED, "replaying the binary log did not finish"
                            + " within " + timeout.toMinutes() + " min", "restore to an earlier point, or take a full"
                            + " backup more often so less log is replayed");
                }
            }
            String reached = gtidSlavePos(s);
            if (!List.of(reached.split(",")).contains(until.gtid())) {
                throw new SQLException("replay ended at GTID position " + reached + ", not at " + until.gtid() + " ("
                        + until.file() + ":" + until.end() + ")");
            }
            s.execute("RESET SLAVE ALL");
            log.info("Replayed the binary log from {} through GTID {} ({}:{}, committed {})", start, until.gtid(),
                    until.file(), until.end(), until.committedAt());
        }
    }

    /** The number of a relay log file: 0 for relay.000001. */
    static int relayIndex(String file) {
        return (int) BinlogPosition.sequenceOf(file) - 1;
    }

    private static String gtidSlavePos(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT @@gtid_slave_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
