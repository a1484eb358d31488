package dev.hindsight.engine.postgres;

import dev.hindsight.util.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which blocks changed between a full's start and a differential's start, from the WAL in
 * between: what lets a differential read only those pages instead of the whole data directory.
 * Most of that WAL was summarized as it was captured ({@link PgWalSummarizer}); the rest — the
 * segment still open, and any gap in the summaries — is decoded here, from the repository where
 * a segment is complete there and from the server's pg_wal otherwise (the replication slot keeps
 * what the capture has not confirmed). Any doubt — more log to decode than a quarter of the data
 * (and 64 MiB) or than 2 GiB, a timeline switch, a missing segment, pg_waldump failing, a
 * tablespace, a server without data checksums or wal_log_hints (hint-bit changes leave no WAL
 * there), a page or segment size other than PostgreSQL's defaults — gives no summary, and the
 * differential reads every page instead.
 */
final class PgWalSummary {
    private static final Logger log = LoggerFactory.getLogger(PgWalSummary.class);
    /**
     * Past this share of the data, reading every page is cheaper than decoding the log; below
     * {@link #ALWAYS_DECODE} bytes the log is decoded anyway (each backup's segment switch pads a
     * segment that pg_waldump skips, so small servers would otherwise never qualify).
     */
    static final double MAX_LOG_SHARE = 0.25;
    static final long ALWAYS_DECODE = 4 * Lsn.SEGMENT_SIZE;
    /** The log is staged whole in a temporary directory: never more than this. */
    static final long MAX_LOG_BYTES = 128 * Lsn.SEGMENT_SIZE;
    /** How long a differential waits for the summarizer to reach the segment it just switched away from. */
    static final Duration SUMMARIZER_WAIT = Duration.ofSeconds(5);
    private static final int STAGING_THREADS = 2;
    /** SizeOfXLogLongPHD: the header of a segment's first page, before its first record. */
    private static final long LONG_PAGE_HEADER = 40;
    private static final Pattern FAILED_AT = Pattern.compile(
            "error in WAL record at [0-9A-F]+/[0-9A-F]+: .*? at ([0-9A-F]+/[0-9A-F]+)");

    private final PgWalDecoder decoder;
    private final WalArchive archive;
    private final PgWalSummaries summaries;
    private final Optional<PgWalSummarizer> summarizer;
    private final Path dataDir;

    /** @param summarizer the one summarizing this server's WAL in this process, if any */
    PgWalSummary(PgInstallation pg, WalArchive archive, PgWalSummaries summaries,
                 Optional<PgWalSummarizer> summarizer, Path dataDir) {
        this.decoder = new PgWalDecoder(pg);
        this.archive = archive;
        this.summaries = summaries;
        this.summarizer = summarizer;
        this.dataDir = dataDir;
    }

    /**
     * The blocks WAL in [{@code from}, {@code to}) may have changed, or empty (with the reason
     * logged) when the differential should read every page.
     */
    Optional<PgChangedBlocks> changedBetween(Connection server, int fullTimeline, Lsn from, Lsn to, long dataBytes)
            throws IOException, InterruptedException {
        String why = unsuitable(server, fullTimeline);
        if (why != null) {
            log.info("Differential reads every page: {}", why);
            return Optional.empty();
        }
        long began = System.nanoTime();
        // the segment holding `to` is still open; everything before it can be summarized by now
        if (summarizer.isPresent() && !summarizer.get().awaitSummarized(fullTimeline, to.segmentStart(), SUMMARIZER_WAIT)) {
            log.info("The WAL summarizer has not reached {} within {}: decoding the rest here", to.segmentStart(),
                    SUMMARIZER_WAIT);
        }
        long waited = System.nanoTime();
        PgWalSummaries.Chain chain;
        PgChangedBlocks changes;
        try {
            chain = summaries.chain(fullTimeline, from);
            changes = summaries.read(chain);
        } catch (IOException e) {
            // summaries only save work: one purged meanwhile, damaged or from a newer version is decoded around
            log.info("WAL summaries of {}..{} unreadable ({}): decoding the WAL here", from, to, e.toString());
            chain = new PgWalSummaries.Chain(List.of(), from);
            changes = PgChangedBlocks.none();
        }
        long summarized = System.nanoTime();
        if (recordsMayStartBetween(chain.end(), to)) {
            Optional<PgChangedBlocks> rest = decode(fullTimeline, chain.end(), to, dataBytes);
            if (rest.isEmpty()) {
                return Optional.empty();
            }
            changes.merge(rest.get());
        }
        if (!changes.placeable()) {
            log.info("Differential reads every page: the WAL since the full touches a tablespace");
            return Optional.empty();
        }
        log.info("WAL {}..{}: waited {} ms for the summarizer, {} summaries to {} read in {} ms, the rest decoded"
                        + " in {} ms: {} records name {} blocks", from, to, (waited - began) / 1_000_000,
                chain.summaries().size(), chain.end(), (summarized - waited) / 1_000_000,
                (System.nanoTime() - summarized) / 1_000_000, changes.records(), changes.blocksNamed());
        return Optional.of(changes);
    }

    /**
     * Whether a record can start in [{@code from}, {@code to}): not when both lie in the header
     * that opens a segment, as when a switch ended the summarized WAL and the checkpoint of the
     * differential's start is the next segment's first record (pg_waldump would find no record).
     */
    static boolean recordsMayStartBetween(Lsn from, Lsn to) {
        return from.isBefore(to) && !(from.segment() == to.segment() && to.offsetInSegment() <= LONG_PAGE_HEADER);
    }

    /** Decodes [{@code from}, {@code to}) here; empty (reason logged) when the differential should read every page. */
    private Optional<PgChangedBlocks> decode(int timeline, Lsn from, Lsn to, long dataBytes)
            throws IOException, InterruptedException {
        long walBytes = to.value() - from.value();
        if (walBytes > Math.max(MAX_LOG_SHARE * dataBytes, ALWAYS_DECODE) || walBytes > MAX_LOG_BYTES) {
            log.info("Differential reads every page: {} bytes of WAL since {} are not summarized, more than a"
                    + " quarter of the data or 2 GiB", walBytes, from);
            return Optional.empty();
        }
        Path dir = Files.createTempDirectory("hindsight-wal-summary-");
        try {
            // through the segment holding `to`: pg_waldump reads the record at `to` before it stops
            Optional<Lsn> durable = archive.durableEnd(timeline);
            List<Callable<String>> staging = new ArrayList<>();
            for (long segno = from.segment(); segno <= to.segment(); segno++) {
                long s = segno;
                // decoding a segment from the repository is CPU work: one per core
                staging.add(() -> stage(timeline, s, durable, dir) ? null : Lsn.of(s, 0).walFileName(timeline));
            }
            for (String missing : PgParallel.run("wal-summary", STAGING_THREADS, staging)) {
                if (missing != null) {
                    log.info("Differential reads every page: WAL segment {} is neither complete in the repository"
                            + " nor in pg_wal", missing);
                    return Optional.empty();
                }
            }
            PgWalDecoder.Decoded d = decoder.decode(dir, timeline, from, to);
            if (!d.reachedEnd() && !stoppedAtTheEnd(d.error(), to)) {
                log.info("Differential reads every page: pg_waldump failed: {}", d.error());
                return Optional.empty();
            }
            return Optional.of(d.changes());
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }

    private String unsuitable(Connection server, int fullTimeline) throws IOException {
        try (Statement st = server.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT (SELECT timeline_id FROM pg_control_checkpoint()), current_setting('data_checksums'),"
                        + " current_setting('wal_log_hints'), current_setting('block_size'),"
                        + " current_setting('segment_size')")) {
            rs.next();
            if (rs.getInt(1) != fullTimeline) {
                return "the server is on timeline " + rs.getInt(1) + ", the full was taken on " + fullTimeline;
            }
            if (!"on".equals(rs.getString(2)) && !"on".equals(rs.getString(3))) {
                return "neither data_checksums nor wal_log_hints is on, so hint-bit changes leave no WAL";
            }
            if (!"8192".equals(rs.getString(4)) || !"1GB".equals(rs.getString(5))) {
                return "block_size " + rs.getString(4) + " / segment_size " + rs.getString(5) + " are not the defaults";
            }
            return null;
        } catch (SQLException e) {
            throw new IOException("reading the server's settings: " + e.getMessage(), e);
        }
    }

    private boolean stage(int timeline, long segno, Optional<Lsn> durable, Path dir) throws IOException {
        String name = Lsn.of(segno, 0).walFileName(timeline);
        if (durable.isPresent() && !durable.get().isBefore(Lsn.of(segno + 1, 0))) {
            archive.stageSegment(timeline, segno, dir);
            return true;
        }
        try {
            Files.copy(dataDir.resolve("pg_wal").resolve(name), dir.resolve(name));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * pg_waldump reads no byte past --end, so the record that starts there reads as damaged
     * ("… at X/Y" with X/Y at or past the end): everything before it was decoded, which is all we
     * asked for.
     */
    static boolean stoppedAtTheEnd(String error, Lsn end) {
        Matcher m = FAILED_AT.matcher(error);
        if (!m.find()) {
            return false;
        }
        try {
            return !Lsn.parse(m.group(1)).isBefore(end);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
