package dev.hindsight.engine.mariadb;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds where replay must stop: the end of the last whole transaction, after a start position,
 * committed at or before a second. A transaction is an event group opened by a GTID event and
 * closed by its XID event, a COMMIT or ROLLBACK query, an XA PREPARE, or — for a GTID marked
 * standalone (DDL) — its one query; a group the scan cannot see closing ends where the next
 * GTID event starts (the server writes groups whole). Its commit time is the timestamp of that
 * closing event, which the binary log keeps in whole seconds.
 */
final class BinlogTransactions {
    private static final int XA_PREPARE = 38;
    private static final int GTID_FLAG_STANDALONE = 1;
    /** Query event post-header: thread id, exec time, db length, error code, status vars length. */
    private static final int QUERY_POST_HEADER = 13;

    /** The end of one transaction: in the {@code fileIndex}-th of the scanned files, at byte {@code end}. */
    record TransactionEnd(int fileIndex, String file, long end, long epochSecond, String gtid) {
        Instant committedAt() {
            return Instant.ofEpochSecond(epochSecond);
        }
    }

    private BinlogTransactions() {
    }

    /**
     * @param files  the binary log files to replay, in order; the first is replayed from {@code start}
     * @param target the instant to restore to, or empty for everything the files hold
     * @return the last transaction end to replay to; empty when none falls in (start, target]
     */
    static Optional<TransactionEnd> stopFor(List<Path> files, long start, Optional<Instant> target) throws IOException {
        Finder finder = new Finder(start, target);
        for (Path f : files) {
            if (finder.scan(f)) {
                break;
            }
        }
        return finder.stop();
    }

    /**
     * The search one file at a time, for a caller that stages files as it goes: it needs the next
     * file only until a transaction committed after the target has been seen.
     */
    static final class Finder {
        private final long start;
        private final long lastSecond;
        private int files;
        private TransactionEnd last;
        private boolean passedTarget;

        /** @param start where replay starts in the first file */
        Finder(long start, Optional<Instant> target) {
            this.start = start;
            this.lastSecond = target.map(Instant::getEpochSecond).orElse(Long.MAX_VALUE);
        }

        /** Reads the next file; true once a transaction after the target was seen (no later file matters). */
        boolean scan(Path file) throws IOException {
            Scan scan = new Scan(file, files, files == 0 ? start : BinlogPosition.FIRST_EVENT, lastSecond);
            files++;
            scan.run().ifPresent(found -> last = found);
            passedTarget = scan.passedTarget;
            return passedTarget;
        }

        Optional<TransactionEnd> stop() {
            return Optional.ofNullable(last);
        }
    }

    private static final class Scan {
        private final Path file;
        private final int index;
        private final long from;
        private final long lastSecond;
        boolean passedTarget;

        Scan(Path file, int index, long from, long lastSecond) {
            this.file = file;
            this.index = index;
            this.from = from;
            this.lastSecond = lastSecond;
        }

        Optional<TransactionEnd> run() throws IOException {
            TransactionEnd last = null;
            boolean checksummed = false;
            String openGtid = null;
            boolean standalone = false;
            long groupEnd = 0;
            long groupSecond = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                in.skipNBytes(BinlogPosition.FIRST_EVENT);
                long at = BinlogPosition.FIRST_EVENT;
                byte[] header = new byte[BinlogEvent.HEADER];
                while (true) {
                    int n = in.readNBytes(header, 0, header.length);
                    if (n < header.length) {
                        break; // the end of what was captured
                    }
                    long length = BinlogEvent.length(header);
                    long end = at + length;
                    int type = BinlogEvent.type(header);
                    boolean needBody = type == BinlogEvent.FORMAT_DESCRIPTION || type == BinlogEvent.GTID
                            || (type == BinlogEvent.QUERY && openGtid != null);
                    byte[] event = null;
                    if (needBody) {
                        event = new byte[(int) length];
                        System.arraycopy(header, 0, event, 0, header.length);
                        if (in.readNBytes(event, header.length, event.length - header.length) < event.length - header.length) {
                            break;
                        }
                    } else {
                        try {
                            in.skipNBytes(length - header.length);
                        } catch (EOFException e) {
                            break;
                        }
                    }
                    boolean closes = false;
                    if (type == BinlogEvent.GTID && openGtid != null) {
                        // groups are written whole: a group still open when the next begins ended with
                        // a closing event this scan does not read (e.g. a compressed DDL query)
                        if (groupEnd > from) {
                            if (groupSecond > lastSecond) {
                                passedTarget = true;
                                break;
                            }
                            last = new TransactionEnd(index, file.getFileName().toString(), groupEnd, groupSecond,
                                    openGtid);
                        }
                        openGtid = null;
                    }
                    switch (type) {
                        case BinlogEvent.FORMAT_DESCRIPTION -> checksummed = BinlogEvent.formatDescriptionHasChecksum(event);
                        case BinlogEvent.GTID -> {
                            openGtid = gtid(event);
                            standalone = (event[BinlogEvent.HEADER + 12] & GTID_FLAG_STANDALONE) != 0;
                        }
                        case BinlogEvent.XID, XA_PREPARE -> closes = openGtid != null;
                        case BinlogEvent.QUERY -> closes = openGtid != null
                                && (standalone || endsTransaction(queryText(event, checksummed)));
                        default -> {
                        }
                    }
                    if (closes) {
                        if (end > from) {
                            if (BinlogEvent.timestamp(header) > lastSecond) {
                                passedTarget = true;
                                break;
                            }
                            last = new TransactionEnd(index, file.getFileName().toString(), end,
                                    BinlogEvent.timestamp(header), openGtid);
                        }
                        openGtid = null;
                    } else if (openGtid != null) {
                        groupEnd = end;
                        groupSecond = BinlogEvent.timestamp(header);
                    }
                    at = end;
                }
            }
            return Optional.ofNullable(last);
        }
    }

    /** MariaDB's GTID event: sequence number (8 bytes), domain (4), flags (1); the server id is the header's. */
    static String gtid(byte[] e) {
        long seq = BinlogEvent.u32(e, BinlogEvent.HEADER) | BinlogEvent.u32(e, BinlogEvent.HEADER + 4) << 32;
        long domain = BinlogEvent.u32(e, BinlogEvent.HEADER + 8);
        return domain + "-" + BinlogEvent.serverId(e) + "-" + Long.toUnsignedString(seq);
    }

    static String queryText(byte[] e, boolean checksummed) {
        int body = BinlogEvent.HEADER;
        int dbLength = e[body + 8] & 0xff;
        int statusLength = (e[body + 11] & 0xff) | (e[body + 12] & 0xff) << 8;
        int text = body + QUERY_POST_HEADER + statusLength + dbLength + 1;
        int end = e.length - (checksummed ? BinlogEvent.CHECKSUM_LENGTH : 0);
        return text >= end ? "" : new String(e, text, end - text, StandardCharsets.UTF_8);
    }

    private static boolean endsTransaction(String query) {
        String q = query.strip().toUpperCase(Locale.ROOT);
        // a savepoint rollback is written inside a transaction (non-transactional tables): it ends nothing
        return q.equals("COMMIT") || q.startsWith("ROLLBACK") && !q.startsWith("ROLLBACK TO ")
                || q.startsWith("XA COMMIT") || q.startsWith("XA ROLLBACK");
    }
}
