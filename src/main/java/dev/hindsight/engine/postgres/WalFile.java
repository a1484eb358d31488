package dev.hindsight.engine.postgres;

import dev.hindsight.plan.StoredLog;
import dev.hindsight.repo.Layout;

import java.time.Instant;
import java.util.Optional;

/**
 * One WAL object in the repository: bytes [startOffset, endOffset) of segment {@code segno} on
 * {@code timeline}, durable since {@code receivedAt}. A <em>sealed</em> object holds a whole
 * segment; a <em>piece</em> holds the open segment's tail as flushed each second.
 * {@code receivedAt} bounds the commits it holds: every commit in it happened at or before then.
 */
public record WalFile(int timeline, long segno, long startOffset, long endOffset, Instant receivedAt)
        implements StoredLog {
    @Override
    public String key(String serverId) {
        return Layout.wal(serverId, new Layout.WalName(timeline, segmentName(), startOffset, endOffset, receivedAt));
    }

    /** The WAL object a repository key names; empty for any other key (a timeline history, say). */
    public static Optional<WalFile> parse(String key) {
        return Layout.parseWal(key).map(n -> new WalFile(n.timeline(), Lsn.segmentOf(n.segment()), n.start(), n.end(),
                n.durableAt()));
    }

    @Override
    public Instant storedAt() {
        return receivedAt;
    }

    @Override
    public long unit() {
        return segno;
    }

    public boolean sealed() {
        return startOffset == 0 && endOffset == Lsn.SEGMENT_SIZE;
    }

    public Lsn start() {
        return Lsn.of(segno, startOffset);
    }

    public Lsn end() {
        return Lsn.of(segno, endOffset);
    }

    /** PostgreSQL's name for the segment this object belongs to. */
    public String segmentName() {
        return Lsn.of(segno, 0).walFileName(timeline);
    }
}
