package dev.hindsight.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Collects the published objects under a {@link FileStore} directory whose keys start with a
 * prefix, skipping subtrees that cannot match (listing one server's WAL must not walk every other
 * server's) and files that a concurrent purge removes mid-walk.
 */
final class FileLister extends SimpleFileVisitor<Path> {
    private final Path root;
    private final String prefix;
    private final List<ObjectInfo> found;

    FileLister(Path root, String prefix, List<ObjectInfo> found) {
        this.root = root;
        this.prefix = prefix;
        this.found = found;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        if (dir.equals(root)) {
            return FileVisitResult.CONTINUE;
        }
        String dirKey = key(dir) + "/";
        boolean mayMatch = dirKey.startsWith(prefix) || prefix.startsWith(dirKey);
        return mayMatch ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (!attributes.isRegularFile() || file.getFileName().toString().startsWith(Keys.TEMPORARY_PREFIX)) {
            return FileVisitResult.CONTINUE;
        }
        String key = key(file);
        if (key.startsWith(prefix)) {
            found.add(new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
        }
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE; // deleted while we walked: it is not there
        }
        throw e;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
            throw e;
        }
        return FileVisitResult.CONTINUE;
    }

    private String key(Path path) {
        String relative = root.relativize(path).toString();
        return File.separatorChar == '/' ? relative : relative.replace(File.separatorChar, '/');
    }
}
