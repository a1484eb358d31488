package dev.hindsight.engine.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * What {@code pg_backup_stop} hands back: the stop LSN and the label and tablespace map a
 * restore must write into the data directory (they exist nowhere else for a non-exclusive backup).
 */
record PgBackupStop(Lsn lsn, String labelFile, String spcmapFile, Instant stoppedAt) {

    /**
     * Ends the backup. wait_for_archive = false: the WAL is collected by Hindsight's own log
     * capture (or, in tests, by archive_command), so waiting for the archiver would only add
     * latency; a restore still needs WAL up to {@link #lsn}.
     */
    static PgBackupStop stop(Connection server) throws SQLException {
        try (Statement st = server.createStatement();
             ResultSet rs = st.executeQuery("SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(false)")) {
            if (!rs.next()) {
                throw new SQLException("pg_backup_stop returned no row");
            }
            String spcmap = rs.getString("spcmapfile");
            return new PgBackupStop(Lsn.parse(rs.getString("lsn")), rs.getString("labelfile"),
                    spcmap == null ? "" : spcmap, Instant.now());
        }
    }

    /** Ends a backup that failed, so the server does not stay in backup mode. */
    static void abort(Connection server) throws SQLException {
        if (server.isClosed()) {
            return; // the server ended the backup itself when the session went away
        }
        if (!server.getAutoCommit()) {
            server.rollback(); // an aborted transaction would refuse the next statement
        }
        try (Statement st = server.createStatement()) {
            st.execute("SELECT pg_backup_stop(false)");
        }
    }
}
