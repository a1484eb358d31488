package dev.hindsight.engine.postgres;

import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every scanned file once, front to back and in path order, in big buffers, checksumming
 * each 8 KiB block as it goes, and hands what must be stored to the bundle writers through one
 * queue. One reader is enough: reading from the page cache and CRC32C run at GB/s, compression
 * (in the writers) at a fraction of that. Because any idle writer takes the next buffer, a single
 * huge relation file is still spread over every core, which a file-per-worker split cannot do.
 *
 * <p>For a differential, a page of a relation file is taken from the full instead of stored
 * when its LSN is older than the full's start (no WAL-logged change since the full began) and
 * its CRC32C equals the full's for that block (the bytes are the same, which also covers
 * changes PostgreSQL does not WAL-log, such as hint bits without checksums). Everything else —
 * changed pages, pages past the full's end, files the full did not have, files that are not
 * made of pages — is stored. When the WAL since the full says which blocks changed
 * ({@link PgChangedBlocks}), the other pages of main forks are not read at all: they are taken
 * from the full with the full's checksums. A differential that would store
 * more than its limit stops with {@link TooLarge}: a full is the better backup then.
 */
final class BackupFileReader {
    /** A differential hands its packed pages to the writers in chunks of about this size. */
    static final int PACKED_CHUNK = 1 << 20;
    /**
     * What was read of one file: its size, its block digest, and (differentials) the extents of
     * the full it reuses; null in the result when the file vanished before we opened it.
     */
    record Read(long size, String blockDigest, List<BackupManifest.Extent> reused) {
    }

    /** A differential passed its limit; nothing it wrote is worth keeping. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long changedBytes;
        final long totalBytes;

        TooLarge(long changedBytes, long totalBytes) {
            super("the differential would store more than " + changedBytes + " of " + totalBytes + " bytes");
            this.changedBytes = changedBytes;
            this.totalBytes = totalBytes;
        }
    }

    private final List<DataDirectoryScan.Entry> files;
    private final BlockingQueue<byte[]> pool;
    private final BlockingQueue<BackupChunk> queue;
    private final int writers;
    private final Progress progress;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final DiffBase base;
    private final long storeLimit;
    /** Bytes handed to the writers so far. */
    private long storing;
    /** Differentials: the buffer changed pages are packed into, and what it holds. */
    private byte[] pending;
    private int pendingLength;
    private List<BackupChunk.Piece> pendingPieces;
    private byte[] scratch;

    /**
     * @param base       the full a differential is taken against, or null for a full
     * @param storeLimit a differential stops with {@link TooLarge} once it would store more bytes
     *                   than this; ignored for a full
     */
    BackupFileReader(List<DataDirectoryScan.Entry> files, BlockingQueue<byte[]> pool,
                     BlockingQueue<BackupChunk> queue, int writers, Progress progress, DiffBase base, long storeLimit) {
        this.files = files;
        this.pool = pool;
        this.queue = queue;
        this.writers = writers;
        this.progress = progress;
        this.total = files.stream().mapToLong(DataDirectoryScan.Entry::size).sum();
        this.base = base;
        this.storeLimit = base == null ? Long.MAX_VALUE : storeLimit;
    }

    /** Bytes handed to the writers: the whole data for a full, the changed part for a differential. */
    long storedLogicalBytes() {
        return storing;
    }

    /**
     * Reads everything, then tells each writer to stop.
     *
     * @param map receives every file's block checksums (a full's block map), or null
     */
    Read[] readAll(BlockMap.Writer map) throws IOException, InterruptedException {
        Read[] reads = new Read[files.size()];
        for (int i = 0; i < files.size(); i++) {
            reads[i] = readOne(i, map);
        }
        flushPending();
        for (int i = 0; i < writers; i++) {
            queue.put(BackupChunk.END);
        }
        return reads;
    }

    private Read readOne(int index, BlockMap.Writer map) throws IOException, InterruptedException {
        DataDirectoryScan.Entry entry = files.get(index);
        DiffBase.File full = base == null ? null : base.pageFile(entry.path());
        BlockChecksums sums = new BlockChecksums();
        List<BackupManifest.Extent> reused = new ArrayList<>();
        long size;
        try (FileChannel in = FileChannel.open(entry.absolute(), StandardOpenOption.READ)) {
            // read to the end as the file is now: a shrunk or grown relation file is fine,
            // WAL replay from the backup's start rewrites every page changed meanwhile
            size = full == null ? (base == null ? readWhole(index, in, sums) : readPacked(index, in, sums))
                    : full.changes() != null ? readChanged(index, in, sums, full, reused)
                    : readPages(index, in, sums, full, reused);
        } catch (NoSuchFileException e) {
            return null; // dropped after the scan: the table is gone, WAL replay agrees
        } catch (IOException e) {
            if (e instanceof TooLarge) {
                throw e;
            }
            throw new IOException("reading " + entry.absolute() + ": " + e.getMessage(), e);
        }
        if (map != null) {
            map.section(entry.path(), sums.values());
        }
        return new Read(size, sums.digest(), reused);
    }

    /** Sends every byte of the file to the writers, in pool buffers handed over as they are. */
    private long readWhole(int index, FileChannel in, BlockChecksums sums) throws IOException, InterruptedException {
        long offset = 0;
        while (true) {
            byte[] buffer = pool.take();
            int n = fill(in, buffer);
            if (n == 0) {
                pool.put(buffer);
                return offset;
            }
            sums.addAll(buffer, 0, n);
            countStored(n);
            queue.put(BackupChunk.of(index, offset, buffer, n));
            offset += n;
            progress.update("copying files", done.addAndGet(n), Math.max(total, done.get()));
            if (n < buffer.length) {
                return offset;
            }
        }
    }

    /**
     * A differential's file with nothing to reuse (not a page file, or new since the full): packed
     * with the changed pages, so the few small files of a differential do not take a buffer each.
     */
    private long readPacked(int index, FileChannel in, BlockChecksums sums) throws IOException, InterruptedException {
        if (scratch == null) {
            scratch = new byte[BackupCopier.BUFFER_SIZE];
        }
        long offset = 0;
        while (true) {
            int n = fill(in, scratch);
            sums.addAll(scratch, 0, n);
            if (n > 0) {
                stage(index, offset, scratch, 0, n);
            }
            offset += n;
            progress.update("copying files", done.addAndGet(n), Math.max(total, done.get()));
            if (n < scratch.length) {
                return offset;
            }
        }
    }

    /** Sends the pages that differ from the full's; records the full's extents for the rest. */
    private long readPages(int index, FileChannel in, BlockChecksums sums, DiffBase.File full,
                           List<BackupManifest.Extent> reused) throws IOException, InterruptedException {
        if (scratch == null) {
            scratch = new byte[BackupCopier.BUFFER_SIZE];
        }
        long fullBlocks = full.file().size() / BlockChecksums.BLOCK; // a short last block is never reused
        long baseStart = base.startLsn().value();
        long offset = 0;
        long runStart = -1; // first byte of the current stretch of reused pages
        while (true) {
            int n = fill(in, scratch);
            for (int p = 0; p < n; p += BlockChecksums.BLOCK) {
                int length = Math.min(BlockChecksums.BLOCK, n - p);
                int crc = sums.add(scratch, p, length);
                long block = (offset + p) / BlockChecksums.BLOCK;
                boolean same = length == BlockChecksums.BLOCK && block < fullBlocks
                        && block < full.checksums().length && full.checksums()[(int) block] == crc
                        && Long.compareUnsigned(PageFiles.pageLsn(scratch, p), baseStart) < 0;
                if (same) {
                    if (runStart < 0) {
                        runStart = offset + p;
                    }
                } else {
                    if (runStart >= 0) {
                        reused.addAll(full.slice(runStart, offset + p - runStart));
                        runStart = -1;
                    }
                    stage(index, offset + p, scratch, p, length);
                }
            }
            offset += n;
            progress.update("comparing pages", done.addAndGet(n), Math.max(total, done.get()));
            if (n < scratch.length) {
                break;
            }
        }
        if (runStart >= 0) {
            reused.addAll(full.slice(runStart, offset - runStart));
        }
        return offset;
    }

    /**
     * Reads only the blocks the WAL names (and any past the full's end), takes the rest from the
     * full unread, a stretch at a time. Pages the WAL names are stored even if they turn out
     * equal: reading them is the cost, and they are few.
     */
    private long readChanged(int index, FileChannel in, BlockChecksums sums, DiffBase.File full,
                             List<BackupManifest.Extent> reused) throws IOException, InterruptedException {
        if (scratch == null) {
            scratch = new byte[BackupCopier.BUFFER_SIZE];
        }
        int block = BlockChecksums.BLOCK;
        PgChangedBlocks.FileChanges changes = full.changes();
        long size = in.size();
        long blocks = (size + block - 1) / block;
        // reusable: whole in the full and in the file now (a file ends on a page boundary except
        // while a read races an extension), and not named by the WAL
        long reusableBelow = Math.min(Math.min(full.file().size() / block, full.checksums().length), size / block);
        long b = 0;
        while (b < blocks) {
            if (b < reusableBelow && !changes.mayHaveChanged(b)) {
                long next = Math.min(changes.nextChanged(b), reusableBelow);
                sums.addKnown(full.checksums(), (int) b, (int) next);
                reused.addAll(full.slice(b * block, (next - b) * block));
                b = next;
                continue;
            }
            long end = b + 1;
            while (end < blocks && (end - b) * block < scratch.length
                    && (end >= reusableBelow || changes.mayHaveChanged(end))) {
                end++;
            }
            int want = (int) (Math.min(end * block, size) - b * block);
            int n = readAt(in, scratch, want, b * block);
            for (int p = 0; p < n; p += block) {
                int length = Math.min(block, n - p);
                sums.add(scratch, p, length);
                stage(index, b * block + p, scratch, p, length);
            }
            if (n < want) {
                return b * block + n; // the file shrank while we read: WAL replay agrees
            }
            b = end;
        }
        progress.update("reading changed pages", done.addAndGet(size), Math.max(total, done.get()));
        return size;
    }

    /** Reads up to {@code length} bytes at {@code position}; fewer only at the end of the file. */
    private static int readAt(FileChannel in, byte[] buffer, int length, long position) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
        while (target.hasRemaining()) {
            if (in.read(target, position + target.position()) < 0) {
                break;
            }
        }
        return target.position();
    }

    /**
     * Packs {@code length} bytes into the pending buffer, sending it when full or past
     * {@link #PACKED_CHUNK} bytes: a differential's few megabytes then keep every writer busy
     * from early on, and the last one to compress after reading ends is short. A page never
     * straddles two buffers, a longer stretch (a packed file) fills them.
     */
    private void stage(int file, long fileOffset, byte[] from, int at, int length)
            throws IOException, InterruptedException {
        while (length > 0) {
            if (pending != null && pendingLength + Math.min(length, BlockChecksums.BLOCK) > pending.length) {
                flushPending();
            }
            if (pending == null) {
                pending = pool.take();
                pendingLength = 0;
                pendingPieces = new ArrayList<>();
            }
            int n = Math.min(length, pending.length - pendingLength);
            System.arraycopy(from, at, pending, pendingLength, n);
            pendingLength += n;
            int last = pendingPieces.size() - 1;
            BackupChunk.Piece previous = last < 0 ? null : pendingPieces.get(last);
            if (previous != null && previous.file() == file && previous.fileOffset() + previous.length() == fileOffset) {
                pendingPieces.set(last, new BackupChunk.Piece(file, previous.fileOffset(), previous.length() + n));
            } else {
                pendingPieces.add(new BackupChunk.Piece(file, fileOffset, n));
            }
            countStored(n);
            at += n;
            fileOffset += n;
            length -= n;
            if (pendingLength >= PACKED_CHUNK) {
                flushPending();
            }
        }
    }

    private void flushPending() throws InterruptedException {
        if (pending != null) {
            queue.put(new BackupChunk(pending, pendingLength, List.copyOf(pendingPieces)));
            pending = null;
        }
    }

    private void countStored(long n) throws TooLarge {
        storing += n;
        if (storing > storeLimit) {
            throw new TooLarge(storing, total);
        }
    }

    /** Reads until the buffer is full or the file ends; returns the bytes read. */
    private static int fill(FileChannel in, byte[] buffer) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer);
        while (target.hasRemaining()) {
            if (in.read(target) < 0) {
                break;
            }
        }
        return target.position();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
