package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout.WalSummaryKey;
import dev.hindsight.util.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Summarizes a server's WAL while it is captured: each sealed segment is decoded once, on a
 * thread of its own, and what its records name is stored as a summary ({@link PgWalSummaries}),
 * so that a differential reads a few small objects instead of staging and decoding all the WAL
 * since its full (PostgreSQL 17's walsummarizer does the same inside the server).
 * <p>
 * Decoding picks up at the last record the previous run read (a record spanning into the next
 * segment can only be read once that one is sealed), or at the next segment after a switch. The
 * segments from there on are kept in a spool directory. The capture never waits: a segment that
 * finds {@link #QUEUE} segments already waiting is queued without its bytes and read back from
 * the repository when its turn comes. Across a restart (of Hindsight or of the summarizer after
 * an error) decoding starts afresh at the next sealed segment, and the differential decodes the
 * gap itself.
 */
final class PgWalSummarizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgWalSummarizer.class);
    /** Sealed segments waiting with their bytes, 16 MiB of memory each; more wait as names only. */
    private static final int QUEUE = 2;
    /** Segments kept for a record that spans them; beyond, decoding starts afresh at the next one. */
    private static final int MAX_SPOOLED = 4;
    private static final Duration SEALED_WAIT = Duration.ofSeconds(30);

    /** A sealed segment; {@code bytes} null when it is to be read from the repository. */
    private record Sealed(int timeline, long segno, byte[] bytes) {
    }

    private final PgWalDecoder decoder;
    private final WalArchive archive;
    private final PgWalSummaries summaries;
    private final String serverId;
    private final BlockingQueue<Sealed> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedWithBytes = new AtomicInteger();
    private final Thread thread;
    private final Path spool;
    private final Object progress = new Object();
    private volatile boolean closed;

    // owned by the summarizing thread; position guarded by progress
    private int timeline;
    private long lastSegno = -1;
    private Lsn resume;

    PgWalSummarizer(PgInstallation pg, WalArchive archive, PgWalSummaries summaries) throws IOException {
        this.decoder = new PgWalDecoder(pg);
        this.archive = archive;
        this.summaries = summaries;
        this.serverId = archive.serverId();
        this.spool = Files.createTempDirectory("hindsight-wal-summarizer-");
        this.thread = new Thread(this::run, "wal-summarizer-" + serverId);
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes a sealed segment (durable in the repository); never blocks. {@code segment} is copied or not kept. */
    void sealed(int timeline, long segno, byte[] segment) {
        if (closed) {
            return;
        }
        boolean withBytes = queuedWithBytes.incrementAndGet() <= QUEUE;
        if (!withBytes) {
            queuedWithBytes.decrementAndGet();
        }
        queue.add(new Sealed(timeline, segno, withBytes ? segment.clone() : null));
    }

    /**
     * Waits until every record of {@code timeline} starting before {@code target} is summarized;
     * false when that did not happen within {@code timeout}.
     */
    boolean awaitSummarized(int timeline, Lsn target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (this.timeline != timeline || resume == null || resume.isBefore(target)) {
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
            Sealed s;
            try {
                s = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (s == null) {
                continue;
            }
            if (s.bytes() != null) {
                queuedWithBytes.decrementAndGet();
            }
            try {
                summarize(s);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("WAL summary of {} failed at segment {} (differentials decode it themselves): {}", serverId,
                        Lsn.of(s.segno(), 0).walFileName(s.timeline()), e.toString());
                startAfresh(s.timeline(), Lsn.of(s.segno() + 1, 0));
            }
        }
    }

    private void summarize(Sealed s) throws IOException, InterruptedException {
        if (resume == null || s.timeline() != timeline || s.segno() != lastSegno + 1) {
            startAfresh(s.timeline(), Lsn.of(s.segno(), 0));
        }
        if (s.bytes() != null) {
            Files.write(spool.resolve(Lsn.of(s.segno(), 0).walFileName(timeline)), s.bytes());
        } else {
            stageSealed(s.segno());
        }
        lastSegno = s.segno();
        long began = System.nanoTime();
        PgWalDecoder.Decoded d = decoder.decode(spool, timeline, resume, Lsn.of(s.segno() + 1, 0));
        PgChangedBlocks changes = d.changes();
        // the last record read is read again next time unless it is a switch: where the record
        // after it starts is not printed, and reading one record twice only repeats what it names
        Lsn next = changes.lastRecord()
                .map(last -> changes.lastRecordSwitches() ? Lsn.of(last.segment() + 1, 0) : last).orElse(resume);
        if (next.isAfter(resume)) {
            summaries.write(new WalSummaryKey(timeline, resume, next), changes);
            log.debug("WAL summary of {} {}..{}: {} records in {} ms", serverId, resume, next, changes.records(),
                    (System.nanoTime() - began) / 1_000_000);
            advance(next);
        } else if (!d.reachedEnd()) {
            log.info("WAL summary of {} is stuck at {}: {}", serverId, resume, d.error());
        }
        dropSpooledBefore(resume.segment());
        if (spooled() > MAX_SPOOLED) {
            log.info("WAL summary of {} starts afresh after {}: nothing could be read from {} on", serverId,
                    Lsn.of(s.segno(), 0).walFileName(timeline), resume);
            startAfresh(timeline, Lsn.of(s.segno() + 1, 0));
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
        advance(at);
    }

    private void advance(Lsn to) {
        synchronized (progress) {
            resume = to;
            progress.notifyAll();
        }
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
