package dev.hindsight.engine.mariadb;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.plan.Position;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Continuous capture of one server's binary log into a {@link BinlogArchive}, over the
 * replication protocol as a replica with a server id of its own. Resumes exactly where the
 * archive ends (the open file at its last byte, or the file after a sealed one), so a restart of
 * the server or of Hindsight leaves neither a gap nor a duplicate; the received tail is flushed
 * every {@link #FLUSH_INTERVAL}. One capture thread streams, one timer flushes; both hold
 * {@link #lock} around the writer.
 */
public final class BinlogCapture implements LogCapture {
    private static final Logger log = LoggerFactory.getLogger(BinlogCapture.class);
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(500);
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** Without an event or heartbeat for this long the connection is taken for dead. */
    static final Duration SILENCE = Duration.ofSeconds(15);
    /** Short: the server is on this host, and "latest" lags by as much after it comes back. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** Keeps the library's own java.util.logging quiet; failures reach us as exceptions. */
    private static final java.util.logging.Logger LIBRARY_LOG = java.util.logging.Logger.getLogger("com.github.shyiko");

    static {
        LIBRARY_LOG.setLevel(Level.OFF);
    }

    /** How to reach the server: the replication login and a JDBC connection for listing its logs. */
    public interface Source {
        String host();

        int port();

        String user();

        String password();

        Connection connect() throws SQLException;
    }

    private enum State { NEW, CONNECTING, STREAMING, RETRYING, STOPPED }

    private final Source source;
    private final BinlogArchive archive;
    private final long clientServerId;
    private final Clock clock;
    private final String name;
    private final Object lock = new Object();
    private final ScheduledExecutorService flusher;
    private BinlogFileWriter writer;
    private boolean checksummed;
    private Instant heardAt;
    /** A heartbeat came: the server had nothing more to send then; the next tick checks whether all is stored. */
    private boolean heartbeatSeen;
    private Instant caughtUpAt;
    /** The caught-up check's connection to the server, see {@link #serverEnd()}. */
    private volatile Connection statusConnection;
    private volatile State state = State.NEW;
    private final java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Exception lastError;
    /** Storing the received tail failed and has not succeeded since: reported even while streaming. */
    private volatile Exception storeError;
    private volatile boolean closed;
    private volatile BinaryLogClient client;
    private Thread thread;

    /**
     * @param clientServerId the server id this capture uses as a replica: unique among the
     *                       server's replicas, and never the server's own
     */
    public BinlogCapture(Source source, BinlogArchive archive, long clientServerId, Clock clock, String name) {
        this.source = source;
        this.archive = archive;
        this.clientServerId = clientServerId;
        this.clock = clock;
        this.name = name;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "binlog-flush-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        thread = new Thread(this::run, "binlog-capture-" + name);
        thread.setDaemon(true);
        thread.start();
        flusher.scheduleWithFixedDelay(this::tick, FLUSH_INTERVAL.toMillis(), FLUSH_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            int before = sessions.get();
            try {
                state = State.CONNECTING;
                session();
            } catch (Exception e) {
                if (closed) {
                    break;
                }
                if (sessions.get() > before) {
                    backoff = FIRST_BACKOFF; // it streamed: this is a new outage
                }
                lastError = e;
                state = State.RETRYING;
                log.warn("Binary log capture of {} interrupted: {}; retrying in {} ms", name, e.getMessage(),
                        backoff.toMillis());
            }
            if (closed) {
                break;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        state = State.STOPPED;
    }

    /** One connection: from where the archive (or the writer) stands, until it drops. */
    private void session() throws Exception {
        BinlogPosition from;
        synchronized (lock) {
            if (writer == null) {
                writer = new BinlogFileWriter(archive, clock, archive.durableEnd());
            }
            writer.flush();
            from = startPosition();
        }
        List<Exception> failures = new ArrayList<>();
        BinaryLogClient c = new BinaryLogClient(source.host(), source.port(), source.user(), source.password());
        c.setServerId(clientServerId);
        c.setKeepAlive(false);
        c.setHeartbeatInterval(HEARTBEAT.toMillis());
        c.setUseSendAnnotateRowsEvent(true);
        c.setBinlogFilename(from.file());
        c.setBinlogPosition(from.offset());
        c.setEventDeserializer(new RawEventDeserializer(this::onEvent));
        c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onConnect(BinaryLogClient client) {
                if (closed) {
                    disconnect(client); // close() ran while this connection was being made
                }
                sessions.incrementAndGet();
                state = State.STREAMING;
                lastError = null;
                log.info("Binary log capture of {} streaming from {}", name, from);
            }

            @Override
            public void onCommunicationFailure(BinaryLogClient client, Exception ex) {
                failures.add(ex);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient client, Exception ex) {
                failures.add(ex); // not reached: the deserializer turns every failure into an abort
            }
        });
        synchronized (lock) {
            heardAt = clock.instant();
        }
        client = c;
        try {
            if (closed) {
                return;
            }
            c.connect();
        } finally {
            client = null;
        }
        if (!failures.isEmpty() && !closed) {
            Exception f = failures.get(0);
            throw f.getCause() instanceof Exception cause && f instanceof RawEventDeserializer.Aborted
                    ? new IOException(f.getMessage(), cause) : f;
        }
        if (!closed) {
            throw new IOException("the server closed the replication connection");
        }
    }

    /**
     * Where to ask the server to stream from: the open file where it was left, or the file after
     * the last sealed one. If the server no longer has what comes next (purged while nobody
     * captured), the capture goes on from the oldest file it has after that, loudly: the log
     * chain then shows the gap, and restores across it are refused, rather than capturing
     * nothing ever again.
     */
    private BinlogPosition startPosition() throws SQLException, IOException {
        List<String> files = serverFiles();
        if (files.isEmpty()) {
            throw new SQLException("the server lists no binary logs: is log_bin on?");
        }
        Optional<BinlogPosition> open = writer.resumePosition();
        if (open.isPresent()) {
            if (files.contains(open.get().file())) {
                return open.get();
            }
            log.error("Binary log capture of {}: the server no longer has {}, captured up to byte {}; the rest of it"
                    + " is lost to point-in-time restore", name, open.get().file(), open.get().offset());
            writer.abandon();
        }
        Optional<String> sealed = writer.lastSealed();
        if (sealed.isEmpty()) {
            return new BinlogPosition(files.get(0), BinlogPosition.FIRST_EVENT);
        }
        long last = BinlogPosition.sequenceOf(sealed.get());
        Optional<String> next = files.stream().filter(f -> BinlogPosition.sequenceOf(f) > last)
                .min(java.util.Comparator.comparingLong(BinlogPosition::sequenceOf));
        if (next.isEmpty()) {
            throw new SQLException("the server has no binary log after " + sealed.get() + " (it has " + files.get(0)
                    + " … " + files.get(files.size() - 1) + "; after RESET MASTER its numbering starts again, and"
                    + " Hindsight cannot follow: re-attach the server)");
        }
        if (BinlogPosition.sequenceOf(next.get()) != last + 1) {
            log.error("Binary log capture of {}: the server no longer has the binary logs between {} and {}; they are"
                    + " lost to point-in-time restore (the window starts again at the next full backup)", name,
                    sealed.get(), next.get());
            writer.acceptGapBefore(next.get());
        }
        return new BinlogPosition(next.get(), BinlogPosition.FIRST_EVENT);
    }

    private List<String> serverFiles() throws SQLException {
        List<String> files = new ArrayList<>();
        try (Connection c = source.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    /** Runs on the capture thread for every event the server sends, in order. */
    private void onEvent(byte[] raw, Event parsed) throws IOException {
        synchronized (lock) {
            try {
                accept(raw, parsed);
            } finally {
                heardAt = clock.instant(); // after the work: a slow chunk write is not the server's silence
            }
        }
    }

    /** Files one event (under {@link #lock}). */
    private void accept(byte[] raw, Event parsed) throws IOException {
        int type = BinlogEvent.type(raw);
        boolean fake = BinlogEvent.artificial(raw) || BinlogEvent.nextPosition(raw) == 0;
        if (type == BinlogEvent.FORMAT_DESCRIPTION) {
            checksummed = BinlogEvent.formatDescriptionHasChecksum(raw);
        }
        if (type == BinlogEvent.HEARTBEAT) {
            heartbeat();
            return;
        }
        if (type == BinlogEvent.ROTATE) {
            RotateEventData rotate = (RotateEventData) unwrap(parsed.getData());
            if (fake) {
                Optional<BinlogPosition> open = writer.received();
                if (open.isPresent() && !open.get().file().equals(rotate.getBinlogFilename())) {
                    // the server went on to the next file: the one we had ends where we are
                    writer.seal();
                }
            } else {
                verify(raw);
                writer.append(raw);
                writer.seal();
            }
            writer.begin(rotate.getBinlogFilename(), rotate.getBinlogPosition());
            return;
        }
        if (fake) {
            return; // a format description sent ahead of a mid-file start, a GTID list: not in the file
        }
        verify(raw);
        writer.append(raw);
        if (type == BinlogEvent.STOP) {
            writer.seal(); // the server stopped: it opens a new file when it starts
        }
    }

    private static EventData unwrap(EventData data) {
        return data instanceof EventDeserializer.EventDataWrapper w ? w.getInternal() : data;
    }

    private void verify(byte[] raw) throws IOException {
        if (checksummed && !BinlogEvent.checksumMatches(raw)) {
            throw new IOException("an event of type " + BinlogEvent.type(raw) + " ending at byte "
                    + BinlogEvent.nextPosition(raw) + " fails its CRC32");
        }
    }

    /**
     * A heartbeat says the dump thread is idle, but names only where it is in the file it reads,
     * which after a restart can be an old file while newer ones exist; whether everything is held
     * is checked against the server's own binary log end in {@link #tick}.
     */
    private void heartbeat() {
        heartbeatSeen = true;
    }

    private void tick() {
        BinaryLogClient silent = null;
        boolean checkCaughtUp = false;
        synchronized (lock) {
            if (writer == null) {
                return;
            }
            try {
                writer.flush();
                storeError = null;
                lock.notifyAll();
            } catch (IOException | RuntimeException e) {
                storeError = e;
                log.warn("Binary log capture of {} could not store its tail: {}; retrying", name, e.toString());
            }
            if (state == State.STREAMING && heardAt != null
                    && Duration.between(heardAt, clock.instant()).compareTo(SILENCE) > 0) {
                silent = client;
            }
            checkCaughtUp = heartbeatSeen && state == State.STREAMING && storeError == null;
            heartbeatSeen = false;
        }
        if (silent != null) {
            log.warn("Binary log capture of {} heard nothing for {} s: reconnecting", name, SILENCE.toSeconds());
            disconnect(silent);
        }
        if (checkCaughtUp) {
            checkCaughtUp();
        }
    }

    /**
     * If the server's binary log ends exactly where the stored log does, everything it had
     * written when asked is held: the latest restore point moves to then.
     */
    private void checkCaughtUp() {
        Instant asked = clock.instant();
        BinlogPosition serverEnd;
        try {
            Optional<BinlogPosition> end = serverEnd();
            if (end.isEmpty()) {
                return;
            }
            serverEnd = end.get();
        } catch (SQLException | RuntimeException e) {
            log.debug("Binary log capture of {}: cannot read the server's log end: {}", name, e.toString());
            dropStatusConnection();
            return;
        }
        synchronized (lock) {
            if (writer.durable().equals(Optional.of(serverEnd))) {
                caughtUpAt = asked;
                lock.notifyAll();
            }
        }
    }

    /**
     * SHOW MASTER STATUS on a connection kept open between ticks (the flusher's thread only): a
     * new connection per heartbeat, every second for every idle server, cost far more than the query.
     */
    private Optional<BinlogPosition> serverEnd() throws SQLException {
        if (closed) {
            return Optional.empty(); // close() dropped the connection: none is opened after it
        }
        Connection c = statusConnection;
        if (c == null || c.isClosed()) {
            c = source.connect();
            statusConnection = c;
            if (closed) { // close() ran while this connection was being made
                dropStatusConnection();
                return Optional.empty();
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            return rs.next() ? Optional.of(new BinlogPosition(rs.getString(1), rs.getLong(2))) : Optional.empty();
        }
    }

    private void dropStatusConnection() {
        Connection c = statusConnection;
        statusConnection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // it is going anyway
            }
        }
    }

    private static void disconnect(BinaryLogClient c) {
        try {
            c.disconnect();
        } catch (IOException e) {
            // it is going anyway
        }
    }


    /** How many replication connections were made so far (a quiet server must not cost reconnections). */
    int sessions() {
        return sessions.get();
    }

    @Override
    public Optional<Position> durablePosition() {
        synchronized (lock) {
            return writer == null ? Optional.empty() : writer.durable().map(p -> p);
        }
    }


    /** Only within the open file: a sealed file is durable whole, and the next starts empty. */
    @Override
    public Optional<Long> pendingBytes() {
        synchronized (lock) {
            if (writer == null) {
                return Optional.empty();
            }
            Optional<BinlogPosition> received = writer.received();
            Optional<BinlogPosition> durable = writer.durable();
            if (received.isEmpty() || durable.isEmpty()) {
                return Optional.of(0L);
            }
            return Optional.of(received.get().file().equals(durable.get().file())
                    ? Math.max(0, received.get().offset() - durable.get().offset()) : 0L);
        }
    }

    @Override
    public Optional<Instant> caughtUpAt() {
        synchronized (lock) {
            return Optional.ofNullable(caughtUpAt);
        }
    }

    @Override
    public boolean awaitDurable(Position position, Duration timeout) throws InterruptedException {
        BinlogPosition wanted = BinlogPosition.of(position);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (writer == null || writer.durable().map(d -> d.isBefore(wanted)).orElse(true)) {
                if (writer != null && writer.received().map(r -> !r.isBefore(wanted)).orElse(false)) {
                    try {
                        writer.flush(); // a backup waits on it: no need to wait for the next tick
                        continue;
                    } catch (IOException e) {
                        lastError = e; // the tick retries
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public Optional<String> lastError() {
        Exception stored = storeError;
        if (stored != null) {
            return Optional.of("storing the binary log fails: " + stored.getMessage());
        }
        State s = state;
        Exception e = lastError;
        if (e == null || (s != State.RETRYING && s != State.CONNECTING)) {
            return Optional.empty();
        }
        return Optional.of(s.name().toLowerCase() + ": " + e.getMessage());
    }

    @Override
    public void close() {
        closed = true;
        BinaryLogClient c = client;
        if (c != null) {
            disconnect(c);
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flusher.shutdownNow();
        dropStatusConnection();
        synchronized (lock) {
            if (writer != null) {
                try {
                    writer.flush();
                } catch (IOException e) {
                    log.warn("Binary log capture of {}: the last tail was not stored: {}", name, e.toString());
                }
            }
        }
    }
}
