package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Continuous WAL capture of one server over the physical replication protocol, on one thread.
 * A physical slot holds WAL on the server until the archive has it: the flush position reported
 * to the server is only ever what {@link WalArchive} has durably written, so nothing acknowledged
 * is lost while Hindsight is down. The open segment's tail is written at least every
 * {@code flushInterval}; full segments are sealed. Connection loss is retried with backoff; each
 * session restarts at a segment boundary and skips what is already durable, so no byte is lost
 * or written twice. Timeline switches are followed by reconnecting (see {@link WalCapturePlan}).
 */
public final class PgWalCapture implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgWalCapture.class);

    public enum State { NEW, CONNECTING, STREAMING, RETRYING, STOPPED, FAILED }

    /** Opens a physical replication connection, e.g. {@code () -> cluster.connectReplication(agent, pw)}. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    /**
     * @param flushInterval  the open segment's tail is written at least this often
     * @param statusInterval how often the server hears from us; besides telling it our position, a
     *                       write is how a closed connection shows itself (a non-blocking read
     *                       cannot tell "nothing yet" from "closed")
     * @param stallTimeout   a read that has not returned after this long is stuck (see {@link CaptureSession})
     *                       and its connection is closed
     * @param maxBackoff     the longest wait between reconnection attempts
     */
    public record Options(String slotName, Duration flushInterval, Duration statusInterval, Duration stallTimeout,
                          Duration maxBackoff) {
        public static Options defaults(String slotName) {
            // a tail every 0.5 s: the latest restore point trails a busy server by at most ~0.6 s
            return new Options(PgNames.requireSlotName(slotName), Duration.ofMillis(500), Duration.ofSeconds(1),
                    Duration.ofSeconds(5), Duration.ofSeconds(30));
        }
    }

    /** One thread for all captures, to close stuck connections (a capture's own thread is the one stuck). */
    static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wal-capture-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Connector connector;
    private final WalArchive archive;
    private final WalSegmentWriter.SegmentListener segmentListener;
    private final Options options;
    private final Clock clock;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Thread thread;

    private volatile boolean stopping;
    /** Whether the current session received WAL: a healthy connection, so reconnect without growing the backoff. */
    private volatile boolean sessionReceived;
    private volatile State state = State.NEW;
    private volatile Throwable lastError;
    private volatile PgSystemIdentity identity;
    private volatile int timeline;
    private volatile Lsn durableLsn;
    private volatile Lsn receivedLsn;
    private volatile Instant lastCaughtUpAt;
    private final Object progress = new Object();
    private Pending caughtUpPending; // guarded by progress

    public PgWalCapture(Connector connector, WalArchive archive, String slotName) {
        this(connector, archive, Options.defaults(slotName), Clock.systemUTC());
    }

    public PgWalCapture(Connector connector, WalArchive archive, Options options, Clock clock) {
        this(connector, archive, options, clock, WalSegmentWriter.SegmentListener.NONE);
    }

    /** @param segmentListener hears of the WAL as it is flushed and sealed, on the capture thread: it must return at once */
    PgWalCapture(Connector connector, WalArchive archive, Options options, Clock clock,
                 WalSegmentWriter.SegmentListener segmentListener) {
        this.connector = connector;
        this.archive = archive;
        this.segmentListener = segmentListener;
        this.options = options;
        this.clock = clock;
        this.thread = new Thread(this::run, "wal-capture-" + archive.serverId());
        thread.setDaemon(true); // the owner must call close() to flush the tail; see close()
    }

    /** Starts the capture thread; returns at once. */
    public void start() {
        thread.start();
    }

    /** Stops capturing after writing what was received and reporting it; waits up to {@code timeout}. */
    public void stop(Duration timeout) {
        stopping = true;
        stopSignal.countDown();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("WAL capture of {} did not stop within {}", archive.serverId(), timeout);
        }
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            stop(Duration.ofSeconds(60));
        }
    }

    private void run() {
        long backoffMillis = 500;
        while (!stopping) {
            state = State.CONNECTING;
            sessionReceived = false;
            Throwable failure = null;
            try (Connection conn = connector.connect()) {
                new CaptureSession(this, conn).run();
            } catch (HindsightException e) {
                if (e.kind() == HindsightException.Kind.CONFLICT || e.kind() == HindsightException.Kind.INVALID_INPUT) {
                    lastError = e; // retrying cannot fix a wrong lineage or a bad name
                    state = State.FAILED;
                    log.error("WAL capture of {} stopped: {} ({})", archive.serverId(), e.getMessage(), e.hint());
                    return;
                }
                failure = e;
            } catch (Exception e) {
                failure = e;
            }
            if (failure != null) {
                lastError = failure;
            }
            if (stopping) {
                break;
            }
            backoffMillis = sessionReceived ? 500 : Math.min(backoffMillis * 2, options.maxBackoff().toMillis());
            state = State.RETRYING;
            log.warn("WAL capture of {}: {}; reconnecting in {} ms", archive.serverId(),
                    failure == null ? "the server ended the stream" : "stream lost (" + failure + ")", backoffMillis);
            awaitStop(Duration.ofMillis(backoffMillis));
        }
        state = State.STOPPED;
    }

    boolean awaitStop(Duration d) {
        try {
            return stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The newest timeline the archive has WAL of, and how far; empty for a new archive. */
    Optional<WalCapturePlan.ArchiveTail> archiveTail() throws IOException {
        List<WalFile> all = archive.list();
        return all.stream().max(Comparator.comparingInt(WalFile::timeline).thenComparing(WalFile::end))
                .map(last -> new WalCapturePlan.ArchiveTail(last.timeline(), last.end()));
    }

    /** Tells the server WAL before {@code durable} is safe: the slot may let it go. */
    static void report(PgReplication.Stream s, Lsn durable) throws SQLException {
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(durable.value());
        s.stream().setFlushedLSN(lsn);
        s.stream().setAppliedLSN(lsn);
        s.stream().forceUpdateStatus();
    }

    // --- what the session reports back -------------------------------------------------------------

    void onIdentified(PgSystemIdentity id) {
        identity = id;
    }

    void onPlanned(WalCapturePlan plan) {
        timeline = plan.timeline();
        receivedLsn = plan.start();
        onDurable(plan.durable());
        state = State.STREAMING;
    }

    void onReceived(Lsn received) {
        receivedLsn = received;
        sessionReceived = true;
    }

    void onDurable(Lsn durable) {
        synchronized (progress) {
            durableLsn = durable;
            Pending p = caughtUpPending;
            if (p != null && !durable.isBefore(p.received())) {
                lastCaughtUpAt = p.at();
                caughtUpPending = null;
            }
            progress.notifyAll();
        }
    }

    /**
     * The capture had read everything the server had sent when it looked at {@code at}; once that
     * much is durable, {@code at} becomes {@link #lastCaughtUpAt()}.
     */
    void onCaughtUp(Instant at, Lsn received) {
        synchronized (progress) {
            Lsn durable = durableLsn;
            if (durable != null && !durable.isBefore(received)) {
                lastCaughtUpAt = at;
            } else if (caughtUpPending == null) {
                caughtUpPending = new Pending(at, received); // keep the oldest: it is reached first
            }
        }
    }

    private record Pending(Instant at, Lsn received) {
    }

    boolean stopping() {
        return stopping;
    }

    WalArchive archive() {
        return archive;
    }

    WalSegmentWriter.SegmentListener segmentListener() {
        return segmentListener;
    }

    Options options() {
        return options;
    }

    Clock clock() {
        return clock;
    }

    // --- status ------------------------------------------------------------------------------------

    public State state() {
        return state;
    }

    /** Everything before this position is in the archive (null until the first session planned its start). */
    public Lsn durableLsn() {
        return durableLsn;
    }

    /** Received from the server, possibly not durable yet. */
    public Lsn receivedLsn() {
        return receivedLsn;
    }

    /** The timeline being captured (0 before the first session). */
    public int timeline() {
        return timeline;
    }

    /**
     * The last time at which the archive durably held everything the server had sent: every
     * transaction acknowledged to its client a little before then (the walsender sends right after
     * the flush, typically within a millisecond) is restorable. Empty until the first time.
     */
    public Optional<Instant> lastCaughtUpAt() {
        return Optional.ofNullable(lastCaughtUpAt);
    }

    /** Waits until the archive holds WAL up to {@code target}; false on timeout. */
    public boolean awaitDurable(Lsn target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (durableLsn == null || durableLsn.isBefore(target)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** IDENTIFY_SYSTEM of the latest session. */
    public Optional<PgSystemIdentity> identity() {
        return Optional.ofNullable(identity);
    }

    /** Why the last session ended, if it failed. */
    public Optional<Throwable> lastError() {
        return Optional.ofNullable(lastError);
    }
}
