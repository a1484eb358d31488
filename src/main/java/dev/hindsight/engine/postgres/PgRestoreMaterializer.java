package dev.hindsight.engine.postgres;

import dev.hindsight.repo.CorruptObjectException;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * Rebuilds a data directory from one backup: directories, files written extent by extent in
 * parallel, every file checked against its SHA-256 as soon as it is complete, then backup_label (and tablespace_map) from
 * the manifest and an empty pg_wal. The result still needs WAL replay: see {@link PgRecovery}.
 * A failed restore removes what it wrote, so the same target can be used again.
 */
public final class PgRestoreMaterializer {
    /** What was restored: the manifest, and the number and bytes of files written. */
    public record Result(BackupManifest manifest, Path dataDir, long files, long bytes) {
    }

    private PgRestoreMaterializer() {
    }

    /** Restores for a server that runs as {@code postgres} when Hindsight is root. */
    public static Result materialize(Repository repo, String serverId, String backupId, Path target,
                                     int parallelism, Progress progress) throws IOException, InterruptedException {
        return materialize(repo, serverId, backupId, target, parallelism, progress, OsUser.forDatabase("postgres"));
    }

    /**
     * @param owner the OS user the restored server will run as; every file is given to it
     * @throws HindsightException for any failure (CORRUPT for damaged data, NOT_FOUND for a missing
     *                            backup, CONFLICT for a non-empty target), after removing what it wrote
     */
    public static Result materialize(Repository repo, String serverId, String backupId, Path target,
                                     int parallelism, Progress progress, OsUser owner)
            throws IOException, InterruptedException {
        PgRestorePaths paths;
        try {
            paths = PgRestorePaths.prepare(target);
        } catch (IOException e) {
            throw failed(backupId, serverId, target, e);
        }
        try {
            BackupManifest manifest = readManifest(repo, serverId, backupId);
            createLayout(manifest, paths);
            String what = "backup " + backupId + " of server " + serverId;
            new PgBundleExtractor(repo, manifest, what, progress).extract(manifest, paths, parallelism);
            writeBackupFiles(manifest, paths);
            applyModesAndTimes(manifest, paths);
            owner.ensureTraversable(paths.root());
            owner.giveOwnership(paths.root());
            return new Result(manifest, paths.root(), manifest.files().size(), manifest.logicalBytes());
        } catch (IOException | InterruptedException | RuntimeException e) {
            removeContents(paths.root(), e);
            throw failed(backupId, serverId, paths.root(), e);
        }
    }

    private static RuntimeException failed(String backupId, String serverId, Path target, Exception e) {
        if (e instanceof HindsightException h) {
            return h; // already says which backup and what to do
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new HindsightException(HindsightException.Kind.FAILED, "restoring backup " + backupId + " of server "
                + serverId + " into " + target + " failed: " + e.getMessage(),
                "check free space and permissions there; what was written has been removed, so run it again", e);
    }

    static BackupManifest readManifest(Repository repo, String serverId, String backupId) throws IOException {
        byte[] json;
        String key = Layout.manifest(serverId, backupId);
        try {
            json = repo.readBytes(key);
        } catch (NoSuchObjectException e) {
            throw new HindsightException(HindsightException.Kind.NOT_FOUND,
                    "backup " + backupId + " of server " + serverId + " has no manifest in the repository",
                    "list the server's backups and choose a completed one", e);
        } catch (CorruptObjectException e) {
            throw new HindsightException(HindsightException.Kind.CORRUPT,
                    "the manifest of backup " + backupId + " of server " + serverId + " is damaged: " + e.getMessage(),
                    "restore from another copy of the repository or an older backup", e);
        }
        BackupManifest manifest;
        try {
            manifest = BackupManifestReader.read(json);
        } catch (IOException e) {
            throw new IOException("object " + key + " decodes but is not a valid manifest: " + e.getMessage(), e);
        }
        if (manifest.format() > BackupManifest.FORMAT || !BackupManifest.ENGINE.equals(manifest.engine())) {
            throw HindsightException.invalid("backup " + backupId + " has manifest format " + manifest.format()
                            + " for engine " + manifest.engine() + "; this Hindsight reads PostgreSQL format "
                            + BackupManifest.FORMAT,
                    "restore it with the Hindsight version that took it, or a newer one");
        }
        return manifest;
    }

    /** Directories, then every file at its full size so extents can land at any offset. */
    private static void createLayout(BackupManifest manifest, PgRestorePaths paths) throws IOException {
        for (BackupManifest.ManifestDir d : manifest.directories()) {
            Files.createDirectories(paths.resolve(d.path()));
        }
        for (BackupManifest.ManifestFile f : manifest.files()) {
            Path file = paths.resolve(f.path());
            Files.createDirectories(file.getParent());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(f.size());
            }
        }
    }

    /** What a non-exclusive backup leaves to the restore: the label, the map, the WAL directory. */
    private static void writeBackupFiles(BackupManifest manifest, PgRestorePaths paths) throws IOException {
        Files.writeString(paths.resolve("backup_label"), manifest.backupLabel(), StandardCharsets.UTF_8);
        if (manifest.tablespaceMap() != null && !manifest.tablespaceMap().isEmpty()) {
            Files.writeString(paths.resolve("tablespace_map"), manifest.tablespaceMap(), StandardCharsets.UTF_8);
        }
        Files.createDirectories(paths.resolve("pg_wal/archive_status"));
        Files.setPosixFilePermissions(paths.resolve("backup_label"), PgFileModes.toPermissions(0600));
    }

    /** Last, after all writes: a read-only mode would block them, writing would move mtimes. */
    private static void applyModesAndTimes(BackupManifest manifest, PgRestorePaths paths) throws IOException {
        for (BackupManifest.ManifestFile f : manifest.files()) {
            Path file = paths.resolve(f.path());
            Files.setPosixFilePermissions(file, PgFileModes.toPermissions(f.mode()));
            Files.setLastModifiedTime(file, FileTime.from(f.mtime()));
        }
        for (BackupManifest.ManifestDir d : manifest.directories()) {
            Files.setPosixFilePermissions(paths.resolve(d.path()), PgFileModes.toPermissions(d.mode()));
        }
    }

    private static void removeContents(Path root, Exception cause) {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.toList()) {
                FileTrees.deleteRecursively(p);
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
