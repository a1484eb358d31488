package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.Progress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;

/**
 * Copies the scanned files into bundles: one {@link BackupFileReader} feeding
 * {@code parallelism} {@link BundleWriter}s, then joins what they report into manifest entries.
 * A full also writes its {@link BlockMap} (from the reader, as it goes); a differential writes
 * only what changed and points at its full's extents for the rest.
 */
final class BackupCopier {
    private static final Logger log = LoggerFactory.getLogger(BackupCopier.class);
    /**
     * The manifest's files, what the backup's objects take in the repository, and the file
     * bytes it stored (all of them for a full, the changed ones for a differential).
     */
    record Copied(List<BackupManifest.ManifestFile> files, long storedBytes, long storedLogicalBytes) {
    }

    static final int BUFFER_SIZE = 4 << 20;
    static final long BUNDLE_LIMIT = 64L << 20;

    private BackupCopier() {
    }

    /**
     * @param base       the full a differential is taken against, or null to take a full
     * @param storeLimit a differential gives up ({@link BackupFileReader.TooLarge}) past this many bytes
     */
    static Copied copy(DataDirectoryScan.Result scan, Repository repo, String serverId, String backupId,
                       int parallelism, Progress progress, DiffBase base, long storeLimit)
            throws IOException, InterruptedException {
        return copy(scan, repo, serverId, backupId, parallelism, progress, base, storeLimit, BUFFER_SIZE, BUNDLE_LIMIT);
    }

    /** With other sizes, so tests can split small files over many buffers and bundles. */
    static Copied copy(DataDirectoryScan.Result scan, Repository repo, String serverId, String backupId,
                       int parallelism, Progress progress, DiffBase base, long storeLimit, int bufferSize,
                       long bundleLimit) throws IOException, InterruptedException {
        if (bufferSize % BlockChecksums.BLOCK != 0) {
            throw new IllegalArgumentException("buffers must hold whole 8 KiB blocks, not " + bufferSize + " bytes");
        }
        int writers = Math.max(1, parallelism);
        // two buffers per writer in flight plus two being read: bounded memory (24 MiB for 2 writers)
        int buffers = 2 * writers + 2;
        BlockingQueue<byte[]> pool = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            pool.add(new byte[bufferSize]);
        }
        BlockingQueue<BackupChunk> queue = new ArrayBlockingQueue<>(buffers + writers);
        List<Callable<Object>> tasks = new ArrayList<>();
        BackupFileReader reader = new BackupFileReader(scan.files(), pool, queue, writers, progress, base, storeLimit);
        long[] readNanos = new long[1]; // seen after the join below
        tasks.add(() -> {
            long began = System.nanoTime();
            try {
                return base == null ? readWithBlockMap(reader, repo, Layout.blockMap(serverId, backupId))
                        : new Reading(reader.readAll(null), 0);
            } finally {
                readNanos[0] = System.nanoTime() - began;
            }
        });
        for (int w = 0; w < writers; w++) {
            BundleWriter writer = new BundleWriter(repo, serverId, backupId, w, bundleLimit, queue, pool);
            tasks.add(writer::call);
        }
        long began = System.nanoTime();
        List<Object> results = PgParallel.run("backup-" + backupId, tasks.size(), tasks);
        List<BundleWriter.Output> outputs = new ArrayList<>();
        for (Object o : results.subList(1, results.size())) {
            outputs.add((BundleWriter.Output) o);
        }
        long elapsed = System.nanoTime() - began;
        log.debug("Backup {}: read in {} ms; writers busy {} ms of it", backupId, readNanos[0] / 1_000_000,
                outputs.stream().map(o -> (elapsed - o.waitedNanos()) / 1_000_000 + "").toList());
        Reading reading = (Reading) results.get(0);
        return join(scan, reading, outputs, reader.storedLogicalBytes());
    }

    /** The reader's results and what the block map took in the repository. */
    private record Reading(BackupFileReader.Read[] reads, long mapStoredBytes) {
    }

    /** Runs the reader inside the block map object's write, so the map streams out as files are read. */
    private static Reading readWithBlockMap(BackupFileReader reader, Repository repo, String key) throws IOException {
        BackupFileReader.Read[][] reads = new BackupFileReader.Read[1][];
        long stored = repo.write(key, out -> {
            BlockMap.Writer map = new BlockMap.Writer(out);
            try {
                reads[0] = reader.readAll(map);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the backup was cancelled");
            }
            map.finish();
        });
        return new Reading(reads[0], stored);
    }

    private static Copied join(DataDirectoryScan.Result scan, Reading reading, List<BundleWriter.Output> outputs,
                               long storedLogical) {
        BackupFileReader.Read[] reads = reading.reads();
        List<List<BackupManifest.Extent>> extents = new ArrayList<>();
        for (BackupFileReader.Read read : reads) {
            extents.add(read == null ? new ArrayList<>() : new ArrayList<>(read.reused()));
        }
        long stored = reading.mapStoredBytes();
        for (BundleWriter.Output out : outputs) {
            stored += out.storedBytes();
            out.placed().forEach(p -> extents.get(p.file()).add(p.extent()));
        }
        List<BackupManifest.ManifestFile> files = new ArrayList<>();
        for (int i = 0; i < reads.length; i++) {
            if (reads[i] == null) {
                continue; // vanished after the scan
            }
            DataDirectoryScan.Entry e = scan.files().get(i);
            files.add(new BackupManifest.ManifestFile(e.path(), reads[i].size(), e.mode(), e.mtime(), null,
                    reads[i].blockDigest(), PgExtents.ordered(extents.get(i), reads[i].size(), e.path())));
        }
        files.sort(Comparator.comparing(BackupManifest.ManifestFile::path));
        return new Copied(files, stored, storedLogical);
    }
}
