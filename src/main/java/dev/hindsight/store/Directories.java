package dev.hindsight.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Directory creation and fsync, so that a published object survives a power cut with its name. */
final class Directories {
    private Directories() {
    }

    /**
     * Creates {@code dir} and any missing parents, syncing each parent after a child is added:
     * a new directory entry is durable only once the directory holding it is synced.
     */
    static void ensure(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            ensure(parent);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new IOException("cannot create directory " + dir + ": a file of that name is in the way", e);
            }
            return; // made meanwhile by a concurrent writer
        }
        if (parent != null) {
            sync(parent);
        }
    }

    /** Makes the entries of {@code dir} (names added or removed) durable. */
    static void sync(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot sync " + dir + ": not a directory");
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
