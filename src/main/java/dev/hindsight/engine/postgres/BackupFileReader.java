package dev.hindsight.engine.postgres;

import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every scanned file once, front to back, in big buffers, hashing as it goes, and hands
 * the buffers to the bundle writers through one queue. One reader is enough: reading from the
 * page cache and SHA-256 run at ~1 GB/s, compression (in the writers) at a fraction of that.
 * Because any idle writer takes the next buffer, a single huge relation file is still spread
 * over every core, which a file-per-worker split cannot do.
 */
final class BackupFileReader implements Callable<BackupFileReader.Read[]> {
    /** What was read of one file; null in the result when the file vanished before we opened it. */
    record Read(long size, String sha256) {
    }

    private final List<DataDirectoryScan.Entry> files;
    private final BlockingQueue<byte[]> pool;
    private final BlockingQueue<BackupChunk> queue;
    private final int writers;
    private final Progress progress;
    private final long total;
    private final AtomicLong done = new AtomicLong();

    BackupFileReader(List<DataDirectoryScan.Entry> files, BlockingQueue<byte[]> pool,
                     BlockingQueue<BackupChunk> queue, int writers, Progress progress) {
        this.files = files;
        this.pool = pool;
        this.queue = queue;
        this.writers = writers;
        this.progress = progress;
        this.total = files.stream().mapToLong(DataDirectoryScan.Entry::size).sum();
    }

    @Override
    public Read[] call() throws IOException, InterruptedException {
        Read[] reads = new Read[files.size()];
        for (int i = 0; i < files.size(); i++) {
            reads[i] = readOne(i);
        }
        for (int i = 0; i < writers; i++) {
            queue.put(BackupChunk.END);
        }
        return reads;
    }

    private Read readOne(int index) throws IOException, InterruptedException {
        DataDirectoryScan.Entry entry = files.get(index);
        MessageDigest sha = sha256();
        long offset = 0;
        try (FileChannel in = FileChannel.open(entry.absolute(), StandardOpenOption.READ)) {
            // read to the end as the file is now: a shrunk or grown relation file is fine,
            // WAL replay from the backup's start rewrites every page changed meanwhile
            while (true) {
                byte[] buffer = pool.take();
                int n = fill(in, buffer);
                if (n == 0) {
                    pool.put(buffer);
                    break;
                }
                sha.update(buffer, 0, n);
                queue.put(new BackupChunk(index, offset, buffer, n));
                offset += n;
                progress.update("copying files", done.addAndGet(n), Math.max(total, done.get()));
                if (n < buffer.length) {
                    break;
                }
            }
        } catch (NoSuchFileException e) {
            return null; // dropped after the scan: the table is gone, WAL replay agrees
        } catch (IOException e) {
            throw new IOException("reading " + entry.absolute() + " at offset " + offset + ": " + e.getMessage(), e);
        }
        return new Read(offset, HexFormat.of().formatHex(sha.digest()));
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
