package dev.hindsight.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The storage configuration's file in the home ({@code storage.json}, readable by its owner only:
 * it may hold credentials). Without the file, the embedded default applies.
 */
public final class StorageConfigFile {
    private final Path file;
    private final Path defaultRepository;

    public StorageConfigFile(Path file, Path defaultRepository) {
        this.file = file;
        this.defaultRepository = defaultRepository;
    }

    public Path path() {
        return file;
    }

    public StorageConfig load() throws IOException {
        if (!Files.exists(file)) {
            return StorageConfig.defaults(defaultRepository);
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), StorageConfig.class).validated();
        } catch (JsonProcessingException e) {
            throw HindsightException.invalid("the storage configuration " + file + " is not valid: "
                    + e.getOriginalMessage(), "fix the file, or remove it to go back to the embedded default");
        } catch (HindsightException e) {
            throw HindsightException.invalid("the storage configuration " + file + " is not valid: " + e.getMessage(),
                    e.hint());
        }
    }

    /** Applies one change and saves the result; a change that throws leaves the file as it was. */
    public synchronized StorageConfig edit(StorageEdit edit) throws IOException {
        StorageConfig next = edit.apply(load());
        save(next);
        return next;
    }

    /** Writes the whole configuration atomically (a crash leaves the old file or the new one). */
    public synchronized void save(StorageConfig config) throws IOException {
        config.validated();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
