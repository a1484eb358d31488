package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.util.Optional;

/**
 * Where a capture session starts streaming, decided from the archive and the server alone.
 * Streaming always starts at a segment boundary, so the segment's first page (whose long header
 * recovery validates) is in our buffer and the segment can be sealed whole; bytes below
 * {@code durable} are already in the archive and are only re-read, not re-written.
 *
 * @param timeline the timeline to stream (may be an ancestor of the server's current one)
 * @param start    where to ask the server to start: always a segment start
 * @param durable  how far the archive already holds this timeline ({@code >= start})
 * @param historic whether {@code timeline} has ended on the server (the stream will stop at its end)
 */
public record WalCapturePlan(int timeline, Lsn start, Lsn durable, boolean historic) {
    /** The newest timeline the archive holds WAL of, and how far. */
    public record ArchiveTail(int timeline, Lsn durableEnd) {
    }

    /**
     * @param tail       the archive's newest timeline and its durable end; empty for a new archive
     * @param serverTli  the server's current timeline (IDENTIFY_SYSTEM)
     * @param history    the server's current timeline history (needed when {@code serverTli > 1})
     * @param slotRestart the replication slot's restart_lsn: the oldest WAL the server still keeps for us
     */
    public static WalCapturePlan decide(Optional<ArchiveTail> tail, int serverTli, TimelineHistory history, Lsn slotRestart) {
        if (tail.isEmpty()) {
            Lsn start = slotRestart.segmentStart();
            return new WalCapturePlan(serverTli, start, start, false);
        }
        int archived = tail.get().timeline();
        Lsn end = tail.get().durableEnd();
        if (archived == serverTli) {
            return new WalCapturePlan(serverTli, end.segmentStart(), end, false);
        }
        if (archived > serverTli) {
            throw HindsightException.conflict("the server is on timeline " + serverTli
                    + " but the archive already holds WAL of timeline " + archived,
                    "this is not the server the archive belongs to (was it restored in place?); capture it as a new server");
        }
        Lsn switchpoint = history.endOf(archived).orElseThrow(() -> HindsightException.conflict(
                "timeline " + archived + " of the archive is not an ancestor of the server's timeline " + serverTli,
                "the server's history has diverged from the archive; capture it as a new server"));
        if (end.isBefore(switchpoint)) {
            return new WalCapturePlan(archived, end.segmentStart(), end, true);
        }
        int next = history.successorOf(archived).orElseThrow();
        Lsn start = switchpoint.segmentStart();
        return new WalCapturePlan(next, start, start, next != serverTli);
    }
}
