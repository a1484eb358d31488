package dev.hindsight.engine.mariadb;

import dev.hindsight.plan.StoredLog;
import dev.hindsight.repo.Layout;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One binary log object in the repository: bytes [start, end) of binary log file {@code file},
 * durable since {@code receivedAt}. The object that ends a file carries {@code sealed}: the
 * server writes nothing more to that file (it rotated, or stopped), so the file ends at
 * {@code end}. A sealed object may be empty when the end was learnt after the last bytes were
 * already stored.
 */
public record BinlogPiece(String file, long start, long end, Instant receivedAt, boolean sealed) implements StoredLog {
    public BinlogPiece {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("not a byte range: [" + start + ", " + end + ") of " + file);
        }
        BinlogPosition.sequenceOf(file);
        receivedAt = receivedAt.truncatedTo(ChronoUnit.MILLIS); // what the object's name keeps
    }

    @Override
    public String key(String serverId) {
        return Layout.binlog(serverId, new Layout.BinlogName(file, start, end, receivedAt, sealed));
    }

    /** The binary log object a repository key names; empty for any other key. */
    public static Optional<BinlogPiece> parse(String key) {
        return Layout.parseBinlog(key).map(n -> new BinlogPiece(n.file(), n.start(), n.end(), n.durableAt(),
                n.sealed()));
    }

    public long sequence() {
        return BinlogPosition.sequenceOf(file);
    }

    @Override
    public Instant storedAt() {
        return receivedAt;
    }

    @Override
    public long unit() {
        return sequence();
    }

    public BinlogPosition endPosition() {
        return new BinlogPosition(file, end);
    }

    public long length() {
        return end - start;
    }
}
