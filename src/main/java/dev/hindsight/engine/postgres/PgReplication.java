package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyDual;
import org.postgresql.core.v3.replication.V3PGReplicationStream;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationType;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The replication-protocol commands the capture needs, on a physical replication connection
 * ({@link PgCluster#connectReplication}). These are not SQL: they take no parameters, so names
 * are checked by {@link PgNames} before they are put into a command.
 */
public final class PgReplication {
    /** A replication slot's state as READ_REPLICATION_SLOT reports it (PostgreSQL 15+). */
    public record SlotState(Lsn restartLsn, int restartTimeline) {
    }

    /** A started stream and its copy operation (whose end says the server finished a timeline). */
    record Stream(PGReplicationStream stream, CopyDual copy) {
    }

    private PgReplication() {
    }

    public static PgSystemIdentity identifySystem(Connection replication) throws SQLException {
        try (Statement st = replication.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return new PgSystemIdentity(Long.parseLong(rs.getString("systemid")), rs.getInt("timeline"),
                    Lsn.parse(rs.getString("xlogpos")));
        }
    }

    /** The slot's state; empty if there is no such slot. */
    public static Optional<SlotState> readSlot(Connection replication, String slot) throws SQLException {
        try (Statement st = replication.createStatement();
             ResultSet rs = st.executeQuery("READ_REPLICATION_SLOT " + PgNames.requireSlotName(slot))) {
            if (!rs.next() || rs.getString("slot_type") == null) {
                return Optional.empty();
            }
            if (!"physical".equals(rs.getString("slot_type")) || rs.getString("restart_lsn") == null) {
                throw HindsightException.conflict("replication slot " + slot + " exists but is not a physical slot"
                                + " holding WAL (type " + rs.getString("slot_type") + ", restart_lsn " + rs.getString("restart_lsn") + ")",
                        "drop it (SELECT pg_drop_replication_slot('" + slot + "')) so Hindsight can create its own");
            }
            return Optional.of(new SlotState(Lsn.parse(rs.getString("restart_lsn")), rs.getInt("restart_tli")));
        }
    }

    /**
     * Creates a physical slot that reserves WAL from now on. Raw SQL because pgjdbc's slot builder
     * does not pass RESERVE_WAL, and a slot without it holds nothing until the first stream starts.
     */
    public static void createPhysicalSlot(Connection replication, String slot) throws SQLException {
        try (Statement st = replication.createStatement()) {
            st.execute("CREATE_REPLICATION_SLOT " + PgNames.requireSlotName(slot) + " PHYSICAL RESERVE_WAL");
        }
    }

    /** The content of {@code %08X.history} for {@code timeline} (> 1), as the server has it. */
    public static byte[] timelineHistory(Connection replication, int timeline) throws SQLException {
        try (Statement st = replication.createStatement();
             ResultSet rs = st.executeQuery("TIMELINE_HISTORY " + timeline)) {
            rs.next();
            // the walsender sends the file's raw bytes in a column typed bytea; read them as text, not hex
            return rs.getString("content").getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * START_REPLICATION with an explicit TIMELINE (pgjdbc's builder cannot name one, and an ended
     * timeline can only be streamed by naming it). Flush positions are reported only when the
     * caller sets them: automatic flush would tell the server WAL is safe before it is.
     */
    static Stream startPhysical(Connection replication, String slot, Lsn start, int timeline, long statusIntervalMillis)
            throws SQLException {
        String command = "START_REPLICATION SLOT " + PgNames.requireSlotName(slot) + " PHYSICAL " + start
                + " TIMELINE " + timeline;
        CopyDual copy = replication.unwrap(PGConnection.class).getCopyAPI().copyDual(command);
        PGReplicationStream stream = new V3PGReplicationStream(copy, LogSequenceNumber.valueOf(start.value()),
                statusIntervalMillis, false, ReplicationType.PHYSICAL);
        return new Stream(stream, copy);
    }
}
