package dev.hindsight.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Hindsight's home directory and every path inside it. Chosen by {@code --home}, else
 * {@code HINDSIGHT_HOME}, else {@code ~/.hindsight}.
 */
public record Home(Path dir) {
    public static Home resolve(Path explicit) {
        if (explicit != null) {
            return new Home(explicit.toAbsolutePath().normalize());
        }
        String env = System.getenv("HINDSIGHT_HOME");
        if (env != null && !env.isBlank()) {
            return new Home(Path.of(env).toAbsolutePath().normalize());
        }
        return new Home(Path.of(System.getProperty("user.home"), ".hindsight"));
    }

    /** Creates the home (owner-only) if it does not exist yet. */
    public Home ensureExists() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        return this;
    }

    /** The embedded default repository: a filesystem store inside the home. */
    public Path repository() {
        return dir.resolve("repository");
    }

    /** The storage configuration (sites, regions, policy); absent: the embedded default. */
    public Path storageConfig() {
        return dir.resolve("storage.json");
    }

    public Path controlDb() {
        return dir.resolve("control.db");
    }

    public Path servers() {
        return dir.resolve("servers");
    }

    /** Where one managed server's data directory and runtime files live. */
    public Path serverDir(String name, String id) {
        return servers().resolve(name + "-" + id);
    }

    public Path token() {
        return dir.resolve("daemon.token");
    }

    public Path endpoint() {
        return dir.resolve("daemon.json");
    }

    public Path generatedPassphrase() {
        return dir.resolve("passphrase");
    }

    public Path scratch() {
        return dir.resolve("tmp");
    }
}
