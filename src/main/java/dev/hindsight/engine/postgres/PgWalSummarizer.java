package dev.hindsight.engine.postgres;

import dev.hindsight.util.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Summarizes a server's WAL while it is captured: every record is decoded once, on a thread of
 * its own, and what the records of a segment name is stored as one summary when the segment is
 * sealed ({@link PgWalSummaries}), so that a differential reads a few small objects instead of
 * staging and decoding all the WAL since its full (PostgreSQL 17's walsummarizer does the same
 * inside the server).
 * <p>
 * The capture hands over what it flushes of the open segment (twice a second while WAL flows) and
 * each segment it seals; the WAL received so far is decoded then (the open segment's at most
 * once a second), so sealing — which a differential's own {@code pg_backup_start} causes and
 * then waits for — has little left to do.
 * Decoding picks up at the last record the previous run read (a record running past what is
 * there can only be read later), or at the next segment after a switch; the segments from there
 * on are kept in a spool directory. The capture never waits: a flush that finds {@link #QUEUE}
 * pieces of WAL already waiting is skipped (the seal covers it), and a sealed segment is then
 * queued without its bytes and read back from the repository when its turn comes. Across a
 * restart (of Hindsight, or of the summarizer after an error) decoding starts afresh at the next
 * segment, and the differential decodes the gap itself.
 */
final class PgWalSummarizer implements WalSegmentWriter.SegmentListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgWalSummarizer.class);
    /** Pieces of WAL waiting with their bytes (at most 16 MiB each); more sealed segments wait as names only. */
    private static final int QUEUE = 2;
    /** Segments kept for a record that spans them; beyond, decoding starts afresh at the next one. */
    private static final int MAX_SPOOLED = 4;
    private static final Duration SEALED_WAIT = Duration.ofSeconds(30);
    private static final Duration FLUSHED_DECODE_EVERY = Duration.ofSeconds(1);
    private static final int SEGMENT = (int) Lsn.SEGMENT_SIZE;
    private static final int WAL_PAGE = 8192;

    /**
     * Bytes [from, to) of a segment ({@code bytes} holds just those, or is null for a sealed
     * segment to be read from the repository); {@code seals}: the segment is complete.
     */
    private record Piece(int timeline, long segno, int from, int to, byte[] bytes, boolean seals) {
    }

    private final PgWalDecoder decoder;
    private final WalArchive archive;
    private final PgWalSummaries summaries;
    private final String serverId;
    private final BlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedWithBytes = new AtomicInteger();
    private final Thread thread;
    private final Path spool;
    private final Object progress = new Object();
    private volatile boolean closed;
    /** Pieces queued or being decoded. */
    private final AtomicInteger inFlight = new AtomicInteger();

    // owned by the summarizing thread
    private int timeline;
    private long lastSegno = -1;
    /** Where the next decoding starts: the first record not read yet (or read last, to be read again). */
    private Lsn resume;
    /** Bytes of segment lastSegno + 1 (the open one) in the spool directory. */
    private int openSpooled;
    /** When pg_waldump last started (System.nanoTime). */
    private long lastDecodeNanos = System.nanoTime() - FLUSHED_DECODE_EVERY.toNanos();
    /** What the records in [pendingStart, resume) name, not stored yet: it goes out with the seal. */
    private Lsn pendingStart;
    private PgChangedBlocks pending;
    // guarded by progress: how far stored summaries reach on summarizedTimeline
    private int summarizedTimeline;
    private Lsn summarizedTo;

    PgWalSummarizer(PgInstallation pg, WalArchive archive, PgWalSummaries summaries) throws IOException {
        this.decoder = new PgWalDecoder(pg, true); // background work: the database comes first
        this.archive = archive;
        this.summaries = summaries;
        this.serverId = archive.serverId();
        this.spool = Files.createTempDirectory("hindsight-wal-summarizer-");
        this.thread = new Thread(this::run, "wal-summarizer-" + serverId);
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes a sealed segment (about to be written to the repository); never blocks. {@code segment} is copied or not kept. */
    @Override
    public void sealed(int timeline, long segno, byte[] segment) {
        if (closed) {
            return;
        }
        boolean withBytes = reserve();
        inFlight.incrementAndGet();
        queue.add(new Piece(timeline, segno, 0, SEGMENT, withBytes ? segment.clone() : null, true));
    }

    /** Takes bytes [from, to) of the open segment, just written to the repository; skipped when busy. */
    @Override
    public void flushed(int timeline, long segno, int from, int to, byte[] segment) {
        if (!closed && to > from && reserve()) {
            inFlight.incrementAndGet();
            queue.add(new Piece(timeline, segno, from, to, Arrays.copyOfRange(segment, from, to), false));
        }
    }

    /** Nothing queued and nothing being decoded (for tests that feed it by hand). */
    boolean idle() {
        return inFlight.get() == 0;
    }

    private boolean reserve() {
        if (queuedWithBytes.incrementAndGet() <= QUEUE) {
            return true;
        }
        queuedWithBytes.decrementAndGet();
        return false;
    }

    /**
     * Waits until the summaries this summarizer stored reach {@code target} on {@code timeline};
     * false when they did not within {@code timeout}. Whether they cover everything before it
     * without a gap (there is one after a restart) is for the reader of the chain to see.
     */
    boolean awaitSummarized(int timeline, Lsn target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (summarizedTimeline != timeline || summarizedTo == null || summarizedTo.isBefore(target)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void run() {
        while (!closed) {
            Piece piece;
            try {
                piece = queue.take(); // close() interrupts
            } catch (InterruptedException e) {
                return;
            }
            if (piece.bytes() != null) {
                queuedWithBytes.decrementAndGet();
            }
            try {
                if (piece.seals()) {
                    summarizeSealed(piece);
                } else {
                    summarizeFlushed(piece);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("WAL summary of {} failed at segment {} (differentials decode it themselves): {}", serverId,
                        Lsn.of(piece.segno(), 0).walFileName(piece.timeline()), e.toString());
                startAfresh(piece.timeline(), Lsn.of(piece.segno() + 1, 0));
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void summarizeSealed(Piece s) throws IOException, InterruptedException {
        if (resume == null || s.timeline() != timeline || s.segno() != lastSegno + 1) {
            startAfresh(s.timeline(), Lsn.of(s.segno(), 0));
        }
        if (s.bytes() != null) {
            writeSpooled(s.segno(), openSpooled, s.bytes(), openSpooled, SEGMENT - openSpooled);
        } else {
            stageSealed(s.segno());
        }
        lastSegno = s.segno();
        openSpooled = 0;
        decode(Lsn.of(s.segno() + 1, 0), true);
        if (resume.isAfter(pendingStart)) {
            summaries.write(new WalSummaryKey(timeline, pendingStart, resume), pending);
            synchronized (progress) {
                summarizedTimeline = timeline;
                summarizedTo = resume;
                progress.notifyAll();
            }
            pendingStart = resume;
            pending = PgChangedBlocks.none();
        }
        dropSpooledBefore(resume.segment());
        if (spooled() > MAX_SPOOLED) {
            log.info("WAL summary of {} starts afresh after {}: nothing could be read from {} on", serverId,
                    Lsn.of(s.segno(), 0).walFileName(timeline), resume);
            startAfresh(timeline, Lsn.of(s.segno() + 1, 0));
        }
    }

    /** Decodes what was flushed of the open segment, if it continues what is spooled; otherwise the seal will. */
    private void summarizeFlushed(Piece f) throws IOException, InterruptedException {
        boolean continues = resume != null && f.timeline() == timeline && f.segno() == lastSegno + 1;
        if (!continues) {
            if (f.from() != 0) {
                return;
            }
            startAfresh(f.timeline(), Lsn.of(f.segno(), 0)); // a new timeline, or the capture restarted
        }
        if (f.from() != openSpooled) {
            return; // a flush was skipped: the seal fills the gap
        }
        writeSpooled(f.segno(), f.from(), f.bytes(), 0, f.to() - f.from());
        openSpooled = f.to();
        // pg_waldump refuses a segment file shorter than one page; and each run is a process, so
        // a busy server's tail is decoded at most every FLUSHED_DECODE_EVERY, however often it is flushed
        if (openSpooled >= WAL_PAGE && System.nanoTime() - lastDecodeNanos >= FLUSHED_DECODE_EVERY.toNanos()) {
            decode(Lsn.of(f.segno(), f.to()), false);
        }
    }

    /**
     * Decodes from {@link #resume} to {@code end} into {@link #pending} and moves {@link #resume}
     * on. Reading nothing is worth a word only for a sealed segment: the open one may simply not
     * hold a whole record past {@link #resume} yet.
     */
    private void decode(Lsn end, boolean sealed) throws IOException, InterruptedException {
        if (!end.isAfter(resume)) {
            return;
        }
        long began = System.nanoTime();
        lastDecodeNanos = began;
        PgWalDecoder.Decoded d = decoder.decode(spool, timeline, resume, end);
        PgChangedBlocks changes = d.changes();
        // the last record read is read again next time unless it is a switch: where the record
        // after it starts is not printed, and reading one record twice only repeats what it names
        Lsn next = changes.lastRecord()
                .map(last -> changes.lastRecordSwitches() ? Lsn.of(last.segment() + 1, 0) : last).orElse(resume);
        if (next.isAfter(resume)) {
            pending.merge(changes);
            log.debug("WAL summary of {} {}..{}: {} records in {} ms", serverId, resume, next, changes.records(),
                    (System.nanoTime() - began) / 1_000_000);
            resume = next;
        } else if (!d.reachedEnd() && sealed) {
            log.info("WAL summary of {} is stuck at {}: {}", serverId, resume, d.error());
        }
    }

    private void writeSpooled(long segno, long at, byte[] bytes, int offset, int length) throws IOException {
        try (FileChannel out = FileChannel.open(spool.resolve(Lsn.of(segno, 0).walFileName(timeline)),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            long position = at;
            while (buffer.hasRemaining()) {
                position += out.write(buffer, position);
            }
        }
    }

    /** Stages a segment from the repository once its sealed object is there (the capture tells us before it writes it). */
    private void stageSealed(long segno) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SEALED_WAIT.toNanos();
        while (archive.segment(timeline, segno).stream().noneMatch(WalFile::sealed)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("segment " + Lsn.of(segno, 0).walFileName(timeline)
                        + " was not sealed in the repository within " + SEALED_WAIT);
            }
            Thread.sleep(50);
        }
        archive.stageSegment(timeline, segno, spool);
    }

    private void startAfresh(int tli, Lsn at) {
        try {
            dropSpooledBefore(Long.MAX_VALUE);
        } catch (IOException e) {
            log.warn("WAL summary of {}: could not empty {}: {}", serverId, spool, e.toString());
        }
        timeline = tli;
        lastSegno = at.segment() - 1;
        resume = at;
        openSpooled = 0;
        pendingStart = at;
        pending = PgChangedBlocks.none();
    }

    private void dropSpooledBefore(long segno) throws IOException {
        try (var files = Files.list(spool)) {
            for (Path f : files.toList()) {
                Optional<Long> n = segmentOf(f);
                if (n.isEmpty() || n.get() < segno) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private long spooled() throws IOException {
        try (var files = Files.list(spool)) {
            return files.filter(f -> segmentOf(f).isPresent()).count();
        }
    }

    private Optional<Long> segmentOf(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != 24 || !name.startsWith(String.format("%08X", timeline))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Lsn.segmentOf(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        try {
            FileTrees.deleteRecursively(spool);
        } catch (IOException e) {
            log.warn("WAL summary of {}: could not remove {}: {}", serverId, spool, e.toString());
        }
    }
}
