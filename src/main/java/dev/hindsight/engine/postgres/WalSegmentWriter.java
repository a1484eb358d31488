package dev.hindsight.engine.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;

/**
 * Turns the received WAL of one timeline into archive objects. The open segment is kept whole in
 * memory, in a buffer that grows to 16 MiB as the segment fills (an idle server's segment holds
 * a few KiB for hours, and a daemon keeps one per PostgreSQL server): {@link #flush} writes its
 * not-yet-durable tail as a piece, and a segment that fills is written as one sealed object,
 * after which its pieces are dropped. Bytes below the durable position (re-received after a
 * restart) only fill the buffer, so nothing is written twice.
 * Single-threaded: owned by the capture thread.
 */
final class WalSegmentWriter {
    private static final Logger log = LoggerFactory.getLogger(WalSegmentWriter.class);
    private static final int SEGMENT = (int) Lsn.SEGMENT_SIZE;
    static final int INITIAL_BUFFER = 256 * 1024;

    /**
     * Hears of the WAL as it is written: each flushed stretch of the open segment and each sealed
     * segment. Called on the capture thread, so it must return at once, and must not keep the
     * array (it is refilled next).
     */
    interface SegmentListener {
        SegmentListener NONE = new SegmentListener() {
        };

        /** Bytes [from, to) of {@code segment} were just written to the archive. */
        default void flushed(int timeline, long segno, int from, int to, byte[] segment) {
        }

        /** {@code segment} is complete; it is written to the archive right after this returns. */
        default void sealed(int timeline, long segno, byte[] segment) {
        }
    }

    private final WalArchive archive;
    private final SegmentListener listener;
    private final int timeline;
    private final Clock clock;
    /** Grown by doubling, never shrunk: a server that filled it once is likely to again. */
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private long segno;
    /** Bytes [0, received) of the segment are in {@link #buffer}. */
    private int received;
    /** Everything before this position is in the archive. */
    private Lsn durable;

    /** @param start a segment start: where the stream begins; @param durable how far the archive already holds WAL */
    WalSegmentWriter(WalArchive archive, int timeline, Lsn start, Lsn durable, Clock clock) {
        this(archive, timeline, start, durable, clock, SegmentListener.NONE);
    }

    WalSegmentWriter(WalArchive archive, int timeline, Lsn start, Lsn durable, Clock clock, SegmentListener listener) {
        if (start.offsetInSegment() != 0 || durable.isBefore(start)) {
            throw new IllegalArgumentException("must start at a segment start at or before the durable end: "
                    + start + ", durable " + durable);
        }
        this.archive = archive;
        this.listener = listener;
        this.timeline = timeline;
        this.clock = clock;
        this.segno = start.segment();
        this.durable = durable;
    }

    /** Appends WAL that begins at {@code at}, which must be exactly where the previous data ended. */
    void append(Lsn at, ByteBuffer data) throws IOException {
        if (!at.equals(received())) {
            throw new IllegalStateException("WAL from the server starts at " + at + " but " + received()
                    + " was expected next (timeline " + timeline + ")");
        }
        while (data.hasRemaining()) {
            int n = Math.min(SEGMENT - received, data.remaining());
            ensureCapacity(received + n);
            data.get(buffer, received, n);
            received += n;
            if (received == SEGMENT) {
                seal();
            }
        }
    }

    /** Writes the received but not yet durable bytes of the open segment as a piece; false if there were none. */
    boolean flush() throws IOException {
        Lsn end = received();
        if (!end.isAfter(durable)) {
            return false;
        }
        long from = durable.segment() == segno ? durable.offsetInSegment() : 0;
        archive.put(new WalFile(timeline, segno, from, received, clock.instant()), buffer, (int) from);
        durable = end;
        listener.flushed(timeline, segno, (int) from, received, buffer);
        return true;
    }

    private void seal() throws IOException {
        // first: summarizing needs the bytes, not their durability, and runs while they are written
        listener.sealed(timeline, segno, buffer);
        Lsn end = Lsn.of(segno + 1, 0);
        if (end.isAfter(durable)) {
            archive.put(new WalFile(timeline, segno, 0, SEGMENT, clock.instant()), buffer, 0);
            durable = end;
        }
        try {
            archive.dropPiecesCoveredBySeal(timeline, segno);
        } catch (IOException e) {
            // harmless: staging prefers the sealed object, and the next session retries the drop
            log.warn("could not drop the pieces of sealed WAL segment {}: {}", Lsn.of(segno, 0).walFileName(timeline), e.toString());
        }
        segno++;
        received = 0;
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            int size = buffer.length;
            while (size < needed) {
                size = Math.min(SEGMENT, size * 2);
            }
            buffer = Arrays.copyOf(buffer, size);
        }
    }

    /** The open segment's buffer size now (tests). */
    int bufferSize() {
        return buffer.length;
    }

    Lsn received() {
        return Lsn.of(segno, received);
    }

    Lsn durable() {
        return durable;
    }

    int timeline() {
        return timeline;
    }
}
