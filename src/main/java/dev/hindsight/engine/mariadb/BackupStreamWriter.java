package dev.hindsight.engine.mariadb;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;

/**
 * Cuts a backup stream into parts and stores each as one repository object, compressing and
 * encrypting {@code writers} parts at once while the next is read; at most {@code writers + 1}
 * parts are in memory. Nothing of the stream touches local disk.
 */
final class BackupStreamWriter {
    static final int PART = 16 << 20;

    private final Repository repo;
    private final String serverId;
    private final String backupId;
    private final int writers;
    private final int partSize;

    BackupStreamWriter(Repository repo, String serverId, String backupId, int writers, int partSize) {
        this.repo = repo;
        this.serverId = serverId;
        this.backupId = backupId;
        this.writers = writers;
        this.partSize = partSize;
    }

    /** Reads {@code in} to its end; returns the parts, in order, once every one is durable. */
    List<MariaDbBackupManifest.Part> write(InputStream in, Progress progress) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(writers, r -> {
            Thread t = new Thread(r, "backup-part-writer");
            t.setDaemon(true);
            return t;
        });
        Semaphore buffers = new Semaphore(writers + 1);
        List<Future<MariaDbBackupManifest.Part>> parts = new ArrayList<>();
        long total = 0;
        try {
            for (int n = 0; ; n++) {
                buffers.acquire();
                byte[] part = new byte[partSize];
                int length = in.readNBytes(part, 0, part.length);
                if (length == 0 && n > 0) {
                    buffers.release();
                    break;
                }
                total += length;
                progress.update("streaming the backup", total, -1);
                String key = Layout.backupStreamPart(serverId, backupId, n);
                parts.add(pool.submit(() -> {
                    try {
                        long stored = repo.write(key, out -> out.write(part, 0, length));
                        return new MariaDbBackupManifest.Part(key, length, stored, crc32c(part, length));
                    } finally {
                        buffers.release();
                    }
                }));
                failFast(parts);
                if (length < part.length) {
                    break;
                }
            }
            List<MariaDbBackupManifest.Part> done = new ArrayList<>();
            for (Future<MariaDbBackupManifest.Part> f : parts) {
                done.add(f.get());
            }
            return done;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("storing a backup part failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Stops reading as soon as a write failed, rather than at the end of a long stream. */
    private static void failFast(List<Future<MariaDbBackupManifest.Part>> parts) throws ExecutionException, InterruptedException {
        for (Future<MariaDbBackupManifest.Part> f : parts) {
            if (f.isDone()) {
                f.get();
            }
        }
    }

    static long crc32c(byte[] b, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, length);
        return crc.getValue();
    }
}
