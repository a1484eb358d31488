package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lists what a base backup must copy from a live data directory, leaving out what
 * pg_basebackup leaves out (see {@link PgBackupExclusions}). The server keeps writing while we
 * scan: a file or directory that vanishes is simply not listed.
 */
public final class DataDirectoryScan {
    /** A directory to re-create, by path relative to the data directory ('/'-separated). */
    public record Dir(String path, int mode) {
    }

    /** A file to copy; {@code size} is as listed, the copy reads whatever is there later. */
    public record Entry(String path, Path absolute, long size, int mode, Instant mtime) {
    }

    /**
     * Files in path order: a full's block map is written in that order, and a differential
     * walks it alongside its own read.
     */
    static final String PG_CONTROL = "global/pg_control";

    /**
     * The order a backup reads files in, and its block map lists them in: by path, but pg_control
     * last, read after every page, so that from a standby its minimum recovery point (where
     * recovery of such a backup ends; PostgreSQL takes it from the copied pg_control) covers every
     * page copied — pg_basebackup sends it last for the same reason.
     */
    static final Comparator<String> ORDER = Comparator.comparing((String path) -> path.equals(PG_CONTROL))
            .thenComparing(Comparator.naturalOrder());

    public record Result(List<Dir> dirs, List<Entry> files) {
        public long totalBytes() {
            return files.stream().mapToLong(Entry::size).sum();
        }
    }

    private DataDirectoryScan() {
    }

    public static Result scan(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            throw HindsightException.notFound("data directory " + dataDir + " does not exist",
                    "check the server's data_directory setting");
        }
        // walk the real directory: a data_directory that is itself a symlink must still be entered
        Path root = dataDir.toRealPath();
        List<Dir> dirs = new ArrayList<>();
        List<Entry> files = new ArrayList<>();
        Files.walkFileTree(root, new Visitor(root, dirs, files));
        List<Entry> kept = PgBackupExclusions.dropUnloggedForks(files);
        kept.sort(Comparator.comparing(Entry::path, ORDER));
        dirs.sort(Comparator.comparing(Dir::path));
        return new Result(List.copyOf(dirs), List.copyOf(kept));
    }

    private static final class Visitor extends SimpleFileVisitor<Path> {
        private final Path root;
        private final List<Dir> dirs;
        private final List<Entry> files;

        Visitor(Path root, List<Dir> dirs, List<Entry> files) {
            this.root = root;
            this.dirs = dirs;
            this.files = files;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            String rel = relative(dir);
            if (rel.isEmpty()) {
                return FileVisitResult.CONTINUE;
            }
            if (PgBackupExclusions.skip(rel)) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            dirs.add(new Dir(rel, mode(dir, 0700)));
            if (PgBackupExclusions.skipContents(rel)) {
                if (rel.equals("pg_wal")) {
                    // PostgreSQL expects archive_status inside pg_wal; keep it like pg_basebackup does.
                    dirs.add(new Dir("pg_wal/archive_status", 0700));
                }
                return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            String rel = relative(file);
            if (PgBackupExclusions.skip(rel)) {
                return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()) {
                return symlink(file, rel);
            }
            if (attrs.isRegularFile()) {
                files.add(new Entry(rel, file, attrs.size(), mode(file, 0600),
                        attrs.lastModifiedTime().toInstant()));
            }
            // sockets, fifos and devices do not belong in a data directory: nothing to copy
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // dropped while we looked: not part of the backup
            }
            if (e instanceof AccessDeniedException) {
                throw new HindsightException(HindsightException.Kind.FAILED,
                        "cannot read " + file + " while scanning the data directory",
                        "run Hindsight as root or as the server's OS user", e);
            }
            throw e;
        }

        private FileVisitResult symlink(Path link, String rel) throws IOException {
            if (rel.startsWith("pg_tblspc/")) {
                throw HindsightException.invalid("the data directory " + root + " uses tablespaces ("
                        + rel + " -> " + Files.readSymbolicLink(link) + "), which backups do not support yet",
                        "move the tablespace's objects to pg_default (ALTER TABLE … SET TABLESPACE pg_default)"
                                + " and DROP TABLESPACE, or back this server up with another tool for now");
            }
            if (rel.equals("pg_wal")) {
                // initdb --waldir: only the (excluded) contents live elsewhere
                dirs.add(new Dir("pg_wal", 0700));
                dirs.add(new Dir("pg_wal/archive_status", 0700));
                return FileVisitResult.CONTINUE;
            }
            BasicFileAttributes target;
            try {
                target = Files.readAttributes(link, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return FileVisitResult.CONTINUE;
            }
            if (!target.isRegularFile()) {
                throw HindsightException.invalid("the data directory " + root + " holds a symbolic link "
                        + rel + " to a directory, which backups do not support",
                        "replace the link with the directory itself");
            }
            // a linked file (e.g. a certificate) is restored as a plain copy of its content
            files.add(new Entry(rel, link, target.size(), PgFileModes.toMode(Files.getPosixFilePermissions(link)),
                    target.lastModifiedTime().toInstant()));
            return FileVisitResult.CONTINUE;
        }

        private String relative(Path p) {
            return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        }
    }

    /**
     * The permission bits. The walker hands out basic attributes only, so this is one more stat
     * per entry; a file gone meanwhile gets the fallback and is skipped when it is read.
     */
    static int mode(Path path, int fallback) throws IOException {
        try {
            return PgFileModes.toMode(Files.readAttributes(path, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).permissions());
        } catch (NoSuchFileException e) {
            return fallback;
        } catch (UnsupportedOperationException e) {
            return fallback; // not a POSIX file system: PostgreSQL's defaults
        }
    }
}
