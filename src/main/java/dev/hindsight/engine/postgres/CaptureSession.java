package dev.hindsight.engine.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's worth of {@link PgWalCapture}: identify the server, make sure the slot exists,
 * decide where to start, then stream until stopped or the connection or timeline ends. Whatever
 * was received is written to the archive on the way out, whether or not the connection survived.
 */
final class CaptureSession {
    private static final Logger log = LoggerFactory.getLogger(CaptureSession.class);
    /**
     * How long an empty read waits before the next, right after WAL came: the latest restore point
     * trails by up to this much more, while each idle server's capture wakes 1000 / this many
     * times a second.
     */
    static final Duration IDLE_POLL = Duration.ofMillis(50);
    /**
     * The wait doubles with each empty read in a row up to this: a server quiet for a second is
     * polled 4 times a second instead of 20 (a daemon with many idle servers wakes for each), and
     * its first WAL after the quiet is read at most this late.
     */
    static final Duration QUIET_POLL = Duration.ofMillis(250);

    private final PgWalCapture capture;
    private final Connection conn;
    private final WalArchive archive;
    private final String slot;
    /** When the current read started (System.nanoTime), 0 when not reading; watched by {@link #abortIfStuck}. */
    private volatile long readStartedNanos;

    CaptureSession(PgWalCapture capture, Connection conn) {
        this.capture = capture;
        this.conn = conn;
        this.archive = capture.archive();
        this.slot = capture.options().slotName();
    }

    /** Streams until stopped or the stream ends. */
    void run() throws SQLException, IOException {
        PgSystemIdentity id = PgReplication.identifySystem(conn);
        capture.onIdentified(id);
        PgReplication.SlotState slotState = ensureSlot();
        TimelineHistory history = id.timeline() > 1 ? storeHistory(id.timeline()) : new TimelineHistory(1, List.of());
        WalCapturePlan plan = WalCapturePlan.decide(capture.archiveTail(), id.timeline(), history, slotState.restartLsn());
        if (plan.timeline() > 1 && plan.timeline() != id.timeline()) {
            storeHistory(plan.timeline());
        }
        dropPiecesOfPreviousSeal(plan);
        log.info("capturing WAL of {} on timeline {} from {} (archive durable to {}{})", archive.serverId(),
                plan.timeline(), plan.start(), plan.durable(), plan.historic() ? ", an ended timeline" : "");
        WalSegmentWriter writer = new WalSegmentWriter(archive, plan.timeline(), plan.start(), plan.durable(), capture.clock(),
                capture.segmentListener());
        PgReplication.Stream stream = PgReplication.startPhysical(conn, slot, plan.start(), plan.timeline(),
                capture.options().statusInterval().toMillis());
        capture.onPlanned(plan);
        ScheduledFuture<?> watchdog = PgWalCapture.WATCHDOG.scheduleWithFixedDelay(this::abortIfStuck, 1, 1, TimeUnit.SECONDS);
        try {
            // the archive already holds WAL up to here: let the slot move up to it at once
            PgWalCapture.report(stream, writer.durable());
            streamUntilStopped(stream, writer, id.xlogPos());
        } finally {
            try {
                finish(stream, writer);
            } finally {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * A read of a healthy stream returns at once (it is non-blocking), so one that has not returned
     * for {@code stallTimeout} is stuck: pgjdbc blocks after the server's CopyDone at the end of a
     * timeline (waiting for a CommandComplete the server only sends after our CopyDone), and a
     * status write to a vanished peer can block. Closing the connection frees the thread; the next
     * session re-plans from the archive, which is how a timeline switch is followed.
     */
    private void abortIfStuck() {
        long since = readStartedNanos;
        if (since != 0 && System.nanoTime() - since > capture.options().stallTimeout().toNanos()) {
            log.warn("WAL capture of {}: a read has not returned for {}; closing the connection (timeline ended or peer gone)",
                    archive.serverId(), capture.options().stallTimeout());
            try {
                conn.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                log.debug("aborting the replication connection failed: {}", e.toString());
            }
        }
    }

    /**
     * @param serverEnd how far the server had flushed WAL when this session identified it: an
     *                  empty read before that much is received only means the walsender has not
     *                  sent its backlog yet (right after a connect), not that the capture holds
     *                  everything the server wrote, so it is not taken as caught up
     */
    private void streamUntilStopped(PgReplication.Stream stream, WalSegmentWriter writer, Lsn serverEnd)
            throws SQLException, IOException {
        long flushIntervalNanos = capture.options().flushInterval().toNanos();
        long lastFlush = System.nanoTime() - flushIntervalNanos; // the first bytes after idle go out at once
        long pollMillis = IDLE_POLL.toMillis();
        while (!capture.stopping()) {
            Instant asked = capture.clock().instant(); // before the read: what was sent by now is read if it returns null
            readStartedNanos = System.nanoTime();
            ByteBuffer data;
            try {
                data = stream.stream().readPending();
            } finally {
                readStartedNanos = 0;
            }
            if (data != null) {
                pollMillis = IDLE_POLL.toMillis();
                Lsn end = new Lsn(stream.stream().getLastReceiveLSN().asLong());
                Lsn sealedBefore = writer.durable();
                writer.append(end.plus(-data.remaining()), data);
                capture.onReceived(writer.received());
                if (!writer.durable().equals(sealedBefore)) { // a segment was sealed
                    capture.onDurable(writer.durable());
                    PgWalCapture.report(stream, writer.durable());
                }
            } else if (!stream.copy().isActive()) {
                log.info("the server ended timeline {} of {} at {}", writer.timeline(), archive.serverId(), writer.received());
                return;
            } else if (!writer.received().isBefore(serverEnd)) {
                capture.onCaughtUp(asked, writer.received());
            }
            if (System.nanoTime() - lastFlush >= flushIntervalNanos && writer.flush()) {
                lastFlush = System.nanoTime();
                capture.onDurable(writer.durable());
                PgWalCapture.report(stream, writer.durable());
            } else if (data == null) {
                capture.awaitStop(Duration.ofMillis(pollMillis));
                pollMillis = nextPoll(pollMillis);
            }
        }
    }

    /** The wait after one more empty read in a row. */
    static long nextPoll(long millis) {
        return Math.min(QUIET_POLL.toMillis(), millis * 2);
    }

    /** Writes what was received (durability does not depend on the connection), then tells the server if it can still listen. */
    private void finish(PgReplication.Stream stream, WalSegmentWriter writer) throws IOException {
        try {
            if (writer.flush()) {
                capture.onDurable(writer.durable());
            }
        } finally {
            try {
                PgWalCapture.report(stream, writer.durable());
            } catch (SQLException | RuntimeException e) {
                // the connection is gone: the next session reports the archive's durable end first thing
            }
            readStartedNanos = System.nanoTime(); // closing waits for the server's answer: watched like a read
            try {
                stream.stream().close();
            } catch (SQLException | RuntimeException e) {
                log.debug("closing the replication stream failed: {}", e.toString());
            } finally {
                readStartedNanos = 0;
            }
        }
    }

    private PgReplication.SlotState ensureSlot() throws SQLException {
        Optional<PgReplication.SlotState> state = PgReplication.readSlot(conn, slot);
        if (state.isPresent()) {
            return state.get();
        }
        PgReplication.createPhysicalSlot(conn, slot);
        log.info("created physical replication slot {} for {}", slot, archive.serverId());
        return PgReplication.readSlot(conn, slot).orElseThrow(() -> new IllegalStateException(
                "replication slot " + slot + " vanished right after it was created"));
    }

    private TimelineHistory storeHistory(int tli) throws SQLException, IOException {
        byte[] content = PgReplication.timelineHistory(conn, tli);
        archive.putHistory(tli, content);
        return TimelineHistory.parse(tli, content);
    }

    /** A previous session may have died between sealing a segment and dropping its pieces. */
    private void dropPiecesOfPreviousSeal(WalCapturePlan plan) {
        if (plan.durable().offsetInSegment() == 0 && plan.durable().segment() > 0) {
            try {
                archive.dropPiecesCoveredBySeal(plan.timeline(), plan.durable().segment() - 1);
            } catch (IOException e) {
                log.warn("could not drop pieces of a sealed segment: {}", e.toString());
            }
        }
    }
}
