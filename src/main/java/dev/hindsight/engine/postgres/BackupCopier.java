package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Repository;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;

/**
 * Copies the scanned files into bundles: one {@link BackupFileReader} feeding
 * {@code parallelism} {@link BundleWriter}s, then joins what they report into manifest entries.
 */
final class BackupCopier {
    /** The manifest's files plus what the bundles take in the repository. */
    record Copied(List<BackupManifest.ManifestFile> files, long storedBytes) {
    }

    static final int BUFFER_SIZE = 4 << 20;
    static final long BUNDLE_LIMIT = 64L << 20;

    private BackupCopier() {
    }

    static Copied copy(DataDirectoryScan.Result scan, Repository repo, String serverId, String backupId,
                       int parallelism, Progress progress) throws IOException, InterruptedException {
        return copy(scan, repo, serverId, backupId, parallelism, progress, BUFFER_SIZE, BUNDLE_LIMIT);
    }

    /** With other sizes, so tests can split small files over many buffers and bundles. */
    static Copied copy(DataDirectoryScan.Result scan, Repository repo, String serverId, String backupId,
                       int parallelism, Progress progress, int bufferSize, long bundleLimit)
            throws IOException, InterruptedException {
        int writers = Math.max(1, parallelism);
        // two buffers per writer in flight plus two being read: bounded memory (24 MiB for 2 writers)
        int buffers = 2 * writers + 2;
        BlockingQueue<byte[]> pool = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            pool.add(new byte[bufferSize]);
        }
        BlockingQueue<BackupChunk> queue = new ArrayBlockingQueue<>(buffers + writers);
        List<Callable<Object>> tasks = new ArrayList<>();
        BackupFileReader reader = new BackupFileReader(scan.files(), pool, queue, writers, progress);
        tasks.add(reader::call);
        for (int w = 0; w < writers; w++) {
            BundleWriter writer = new BundleWriter(repo, serverId, backupId, w, bundleLimit, queue, pool);
            tasks.add(writer::call);
        }
        List<Object> results = PgParallel.run("backup-" + backupId, tasks.size(), tasks);
        List<BundleWriter.Output> outputs = new ArrayList<>();
        for (Object o : results.subList(1, results.size())) {
            outputs.add((BundleWriter.Output) o);
        }
        return join(scan, (BackupFileReader.Read[]) results.get(0), outputs);
    }

    private static Copied join(DataDirectoryScan.Result scan, BackupFileReader.Read[] reads,
                               List<BundleWriter.Output> outputs) {
        List<List<BackupManifest.Extent>> extents = new ArrayList<>();
        for (int i = 0; i < reads.length; i++) {
            extents.add(new ArrayList<>());
        }
        long stored = 0;
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
            files.add(new BackupManifest.ManifestFile(e.path(), reads[i].size(), e.mode(), e.mtime(),
                    reads[i].sha256(), PgExtents.ordered(extents.get(i), reads[i].size(), e.path())));
        }
        files.sort(Comparator.comparing(BackupManifest.ManifestFile::path));
        return new Copied(files, stored);
    }
}
