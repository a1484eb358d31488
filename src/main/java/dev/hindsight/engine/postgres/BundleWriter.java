package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;

/**
 * One backup worker: takes buffers from the reader's queue and appends them to its own bundle
 * objects, {@code bundle-<worker>-<n>}, starting a new bundle when the next buffer would pass the
 * size limit. The repository compresses and encrypts as we write, so this is where the CPU goes;
 * running one writer per core keeps every core busy. Records where each buffer landed.
 */
final class BundleWriter implements Callable<BundleWriter.Output> {
    /** Bytes of file {@code file} (scan index) now stored at {@code extent}. */
    record Placed(int file, BackupManifest.Extent extent) {
    }

    /**
     * What this worker wrote: placements, published bundle keys, stored (encoded) bytes, and
     * how long it spent waiting for the reader (the rest of its time it encoded and wrote).
     */
    record Output(List<Placed> placed, List<String> bundles, long storedBytes, long waitedNanos) {
    }

    private final Repository repo;
    private final String serverId;
    private final String backupId;
    private final int worker;
    private final long bundleLimit;
    private final BlockingQueue<BackupChunk> queue;
    private final BlockingQueue<byte[]> pool;
    private final List<Placed> placed = new ArrayList<>();
    private final List<String> bundles = new ArrayList<>();
    /** The chunk that did not fit into the previous bundle (or the first one). */
    private BackupChunk next;
    private long waitedNanos;

    BundleWriter(Repository repo, String serverId, String backupId, int worker, long bundleLimit,
                 BlockingQueue<BackupChunk> queue, BlockingQueue<byte[]> pool) {
        this.repo = repo;
        this.serverId = serverId;
        this.backupId = backupId;
        this.worker = worker;
        this.bundleLimit = bundleLimit;
        this.queue = queue;
        this.pool = pool;
    }

    @Override
    public Output call() throws IOException, InterruptedException {
        long stored = 0;
        next = take();
        // only open a bundle when there is something to put in it: no empty objects
        for (int seq = 0; next != BackupChunk.END; seq++) {
            String key = Layout.bundle(serverId, backupId, worker, seq);
            stored += repo.write(key, out -> fill(key, out));
            bundles.add(key);
        }
        return new Output(placed, bundles, stored, waitedNanos);
    }

    private BackupChunk take() throws InterruptedException {
        long began = System.nanoTime();
        try {
            return queue.take();
        } finally {
            waitedNanos += System.nanoTime() - began;
        }
    }

    private void fill(String key, OutputStream out) throws IOException {
        long written = 0;
        try {
            while (true) {
                BackupChunk chunk = next;
                out.write(chunk.buffer(), 0, chunk.length());
                long at = written;
                for (BackupChunk.Piece piece : chunk.pieces()) {
                    placed.add(new Placed(piece.file(),
                            new BackupManifest.Extent(key, at, piece.length(), piece.fileOffset())));
                    at += piece.length();
                }
                written += chunk.length();
                pool.put(chunk.buffer());
                next = take();
                if (next == BackupChunk.END || written + next.length() > bundleLimit) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // another worker failed and the backup is being abandoned: do not publish this bundle
            Thread.currentThread().interrupt();
            throw new IOException("bundle " + key + " abandoned: the backup was cancelled", e);
        }
    }
}
