package dev.hindsight.engine.postgres;

import dev.hindsight.repo.CorruptObjectException;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes bundles in parallel and writes each extent at its offset into files that already
 * exist at full size, so extents of one file may land from several threads in any order. When
 * a file's last extent is written, the thread that wrote it checks the file's SHA-256 at once,
 * so verification overlaps extraction instead of following it.
 */
final class PgBundleExtractor {
    private static final int BUFFER_SIZE = 1 << 20;
    private static final Pattern BUNDLE = Pattern.compile("bundle-(\\d+)-(\\d+)$");

    /**
     * The order the backup wrote them: n-th bundle of every worker before the (n+1)-th. The
     * biggest files were read first and spread over every worker's first bundles, so they are
     * complete (and verified) early instead of at the very end.
     */
    private static final Comparator<String> READ_ORDER = Comparator
            .comparingLong((String key) -> bundleNumber(key, 2)).thenComparingLong(key -> bundleNumber(key, 1))
            .thenComparing(Comparator.naturalOrder());

    /** One extent and the file it belongs to; {@code left} counts the file's extents not yet written. */
    private record Piece(BackupManifest.ManifestFile file, Path path, BackupManifest.Extent extent, AtomicInteger left) {
    }

    private final Repository repo;
    private final String what;
    private final PgRestoreVerifier verifier;
    private final Progress progress;
    private final long total;
    private final AtomicLong done = new AtomicLong();

    /** @param what names the backup in messages, e.g. "backup B of server S" */
    PgBundleExtractor(Repository repo, BackupManifest manifest, String what, Progress progress) {
        this.repo = repo;
        this.what = what;
        this.verifier = new PgRestoreVerifier(manifest);
        this.progress = progress;
        this.total = manifest.logicalBytes();
    }

    void extract(BackupManifest manifest, PgRestorePaths paths, int parallelism)
            throws IOException, InterruptedException {
        Map<String, List<Piece>> byBundle = new LinkedHashMap<>();
        for (BackupManifest.ManifestFile f : manifest.files()) {
            Path path = paths.resolve(f.path());
            if (f.extents().isEmpty()) {
                verifier.check(f, path); // an empty file: nothing to extract, still must match
            }
            AtomicInteger left = new AtomicInteger(f.extents().size());
            for (BackupManifest.Extent e : f.extents()) {
                byBundle.computeIfAbsent(e.bundle(), k -> new ArrayList<>()).add(new Piece(f, path, e, left));
            }
        }
        List<String> order = new ArrayList<>(byBundle.keySet());
        order.sort(READ_ORDER);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (String bundle : order) {
            tasks.add(() -> extractBundle(bundle, byBundle.get(bundle)));
        }
        PgParallel.run("restore", parallelism, tasks);
    }

    private static long bundleNumber(String key, int group) {
        Matcher m = BUNDLE.matcher(key);
        return m.find() ? Long.parseLong(m.group(group)) : Long.MAX_VALUE;
    }

    private Void extractBundle(String bundle, List<Piece> pieces) throws IOException {
        pieces.sort(Comparator.comparingLong(p -> p.extent().bundleOffset()));
        byte[] buffer = new byte[BUFFER_SIZE];
        List<Piece> completed = new ArrayList<>();
        try (InputStream in = repo.read(bundle)) {
            long position = 0;
            for (Piece p : pieces) {
                in.skipNBytes(p.extent().bundleOffset() - position);
                copy(in, p, buffer);
                position = p.extent().bundleOffset() + p.extent().length();
                if (p.left().decrementAndGet() == 0) {
                    completed.add(p);
                }
            }
            // the decoder checks the object's final frame only at its end: read to it, so a
            // truncated bundle fails here too (for a full backup nothing is left to read)
            in.transferTo(OutputStream.nullOutputStream());
        } catch (CorruptObjectException e) {
            throw damaged(bundle, e.getMessage(), e);
        } catch (NoSuchObjectException e) {
            throw damaged(bundle, "the object is missing", e);
        } catch (EOFException e) {
            throw damaged(bundle, "it is shorter than the manifest says", e);
        }
        // only after the whole bundle passed its own checks: a damaged bundle is reported as such
        for (Piece p : completed) {
            verifier.check(p.file(), p.path());
        }
        return null;
    }

    private void copy(InputStream in, Piece p, byte[] buffer) throws IOException {
        try (FileChannel out = FileChannel.open(p.path(), StandardOpenOption.WRITE)) {
            long remaining = p.extent().length();
            long at = p.extent().fileOffset();
            while (remaining > 0) {
                int want = (int) Math.min(buffer.length, remaining);
                int n = in.readNBytes(buffer, 0, want);
                if (n < want) {
                    throw new EOFException("bundle ended inside an extent of " + p.path());
                }
                ByteBuffer src = ByteBuffer.wrap(buffer, 0, n);
                while (src.hasRemaining()) {
                    at += out.write(src, at);
                }
                remaining -= n;
                progress.update("restoring files", done.addAndGet(n), total);
            }
        }
    }

    private HindsightException damaged(String bundle, String detail, Exception cause) {
        return new HindsightException(HindsightException.Kind.CORRUPT,
                what + " cannot be restored: bundle " + bundle + " is damaged (" + detail + ")",
                "restore from another copy of the repository or an older backup, and run a verify of this one",
                cause);
    }
}
