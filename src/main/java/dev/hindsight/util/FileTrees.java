package dev.hindsight.util;


import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** Whole-directory operations the JDK lacks. */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Refuses a data directory for a new server that already holds something: a CONFLICT naming
     * it. An absent or empty directory passes.
     */
    public static void requireFreshDataDir(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw HindsightException.conflict("the data directory " + dir + " already exists and is not empty",
                        "choose another directory, or remove it if it holds nothing of value");
            }
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not read " + dir + ": " + e.getMessage(), "check its permissions", e);
        }
    }

    /** Deletes {@code root} and everything below it; symlinks are removed, never followed. No-op if absent. */
    /** Creates {@code dir} (and missing parents) and makes it readable by this process's user only. */
    public static Path createPrivateDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** The total size of the regular files under {@code dir}. */
    public static long size(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            long total = 0;
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // gone while we walked (e.g. a server's temp file)
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
