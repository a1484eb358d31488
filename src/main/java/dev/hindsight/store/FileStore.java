package dev.hindsight.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Store} on a local directory: one file per object, at the key's path under the root.
 * Objects are written to a hidden temporary file beside their final name and published with a
 * hard link, which (unlike rename) fails instead of replacing an existing file.
 */
public final class FileStore implements Store {
    /** A concurrent delete may remove the directory a new object is about to be written into. */
    private static final int CREATE_ATTEMPTS = 5;

    private final Path root;
    private final Clock clock;
    private static final java.time.Duration PROBE_REUSE = java.time.Duration.ofMinutes(5);
    private volatile Probed probed;

    public FileStore(Path root) {
        this(root, Clock.systemUTC());
    }

    /** @param clock decides when an immutable object's protection has ended */
    public FileStore(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        Path target = resolve(key);
        Path dir = target.getParent();
        for (int attempt = 1; ; attempt++) {
            try {
                Directories.ensure(dir);
                Path temporary = Files.createTempFile(dir, Keys.TEMPORARY_PREFIX, null);
                try {
                    return new FileObjectWriter(key, temporary, target, describe());
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(temporary);
                    throw e;
                }
            } catch (NoSuchFileException e) {
                if (attempt == CREATE_ATTEMPTS) {
                    throw new IOException("cannot create " + key + " in " + describe()
                            + ": its directory keeps disappearing (" + e.getMessage() + ")", e);
                }
            }
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return open(key, 0, Long.MAX_VALUE);
    }

    /** The range may run past the end of the object; the stream then ends with the object. */
    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("invalid range of " + key + ": offset " + offset
                    + ", length " + length + " (both must be >= 0)");
        }
        Path file = resolve(key);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchObjectException(key, describe()); // a key prefix, not an object
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(key, describe());
        } catch (FileSystemException e) {
            if (underAnObject(file)) {
                throw new NoSuchObjectException(key, describe());
            }
            throw e;
        }
        try {
            channel.position(offset);
            return new FileRangeInputStream(channel, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path file = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if (underAnObject(file)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        Keys.requireValidPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<ObjectInfo> found = new ArrayList<>();
        Files.walkFileTree(start, new FileLister(root, prefix, found));
        found.sort(Comparator.comparing(ObjectInfo::key));
        return found;
    }

    @Override
    public void delete(String key) throws IOException {
        Path file = resolve(key);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            return; // no object has this key
        }
        try {
            Optional<Instant> until = ImmutableFiles.until(file);
            if (until.isPresent()) {
                if (until.get().isAfter(clock.instant())) {
                    throw new ObjectLockedException(key, describe(), until.get());
                }
                ImmutableFiles.lift(file);
            }
            if (Files.deleteIfExists(file)) {
                removeEmptyParents(file.getParent());
            }
        } catch (NoSuchFileException e) {
            // gone already
        } catch (FileSystemException e) {
            if (!underAnObject(file)) {
                throw e;
            }
        }
    }

    /**
     * Needs root and a file system with the immutable attribute; see {@link ImmutableFiles}. The
     * probe runs processes, so its answer is reused for a while (protections ask it per object).
     */
    @Override
    public Optional<String> immutabilityRefusal() {
        Probed last = probed;
        Instant now = Instant.now();
        if (last == null || now.isAfter(last.at().plus(PROBE_REUSE))) {
            last = new Probed(ImmutableFiles.refusal(root), now);
            probed = last;
        }
        return last.refusal();
    }

    private record Probed(Optional<String> refusal, Instant at) {
    }

    @Override
    public void protect(String key, Instant until) throws IOException {
        Path file = resolve(key);
        if (stat(key).isEmpty()) {
            throw new NoSuchObjectException(key, describe());
        }
        ImmutableFiles.protect(file, until);
    }

    @Override
    public Optional<Instant> protectedUntil(String key) throws IOException {
        Path file = resolve(key);
        if (stat(key).isEmpty()) {
            return Optional.empty();
        }
        return ImmutableFiles.until(file).filter(u -> u.isAfter(clock.instant()));
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public String toString() {
        return describe();
    }

    private Path resolve(String key) {
        Keys.requireValid(key);
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("invalid object key \"" + key + "\": it leaves " + describe());
        }
        return path;
    }

    /**
     * Whether a file stands where a directory of {@code path} should be: then the file system
     * says "Not a directory", which for a key means simply that there is no such object.
     */
    private boolean underAnObject(Path path) {
        for (Path dir = path.getParent(); dir != null && dir.startsWith(root) && !dir.equals(root);
             dir = dir.getParent()) {
            if (Files.isRegularFile(dir, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    /** Purged backups would otherwise leave empty directories behind that every listing walks. */
    private void removeEmptyParents(Path dir) {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try {
                Files.delete(dir);
            } catch (IOException e) {
                return; // not empty, or gone already: the object itself is deleted, which is all delete promises
            }
            dir = dir.getParent();
        }
    }
}
