package dev.hindsight.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A write load on one connection whose every transaction takes a lock, so a PITR test can hold it
 * and find an instant with no transaction near it.
 */
final class SerialLoad implements AutoCloseable {
    /** The {@code i}-th transaction, committed when this returns. */
    interface Transaction {
        void run(Statement s, long i) throws SQLException;
    }

    /** Reads the tables' checksums. */
    interface Checksums {
        Map<String, String> of(Connection c) throws SQLException;
    }

    /** An instant with no transaction near it, and the tables' checksums at it. */
    record Quiet(Instant at, Map<String, String> checksums) {
    }

    private final ReentrantLock gate = new ReentrantLock();
    private final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicLong committed = new AtomicLong();
    private final Thread thread;

    SerialLoad(Connection c, Transaction transaction) {
        thread = new Thread(() -> {
            try (Statement s = c.createStatement()) {
                for (long i = 0; running.get(); i++) {
                    gate.lock();
                    try {
                        transaction.run(s, i);
                        committed.incrementAndGet();
                    } finally {
                        gate.unlock();
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "load");
        thread.start();
    }

    /**
     * Holds the writer: reads the checksums, waits {@code before}, takes the instant, waits
     * {@code after}, lets the writer go on. With {@code ownSecond}, the instant is 300 ms into a
     * second no transaction shares (a log that keeps whole seconds needs that).
     */
    Quiet quiet(Connection c, Checksums checksums, long marginMillis, boolean ownSecond)
            throws SQLException, InterruptedException {
        gate.lock();
        try {
            Map<String, String> sums = checksums.of(c);
            if (ownSecond) {
                long nextSecond = (System.currentTimeMillis() / 1000 + 1) * 1000;
                Thread.sleep(nextSecond - System.currentTimeMillis() + 300);
            } else {
                Thread.sleep(marginMillis);
            }
            Instant at = Instant.now();
            Thread.sleep(ownSecond ? 1000 : marginMillis);
            return new Quiet(at, sums);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
