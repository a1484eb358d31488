package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The target directory of a restore: refuses one that is not empty (a restore never merges
 * into or overwrites existing files) and resolves manifest paths strictly inside it.
 */
final class PgRestorePaths {
    private final Path root;

    private PgRestorePaths(Path root) {
        this.root = root;
    }

    /** Creates the target (mode 0700) or accepts an empty one. */
    static PgRestorePaths prepare(Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw HindsightException.conflict("restore target " + root + " exists and is not a directory",
                        "choose a path that does not exist yet, or an empty directory");
            }
            try (Stream<Path> entries = Files.list(root)) {
                var first = entries.findFirst();
                if (first.isPresent()) {
                    throw HindsightException.conflict("restore target " + root + " is not empty (it holds "
                                    + first.get().getFileName() + " and maybe more)",
                            "restore into a new or empty directory; a restore never overwrites files");
                }
            }
        } else {
            Files.createDirectories(root.getParent());
            Files.createDirectory(root);
        }
        // PostgreSQL refuses a data directory that others can read
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        return new PgRestorePaths(root);
    }

    Path root() {
        return root;
    }

    /** The absolute path of a manifest path; a path leading outside the target is corruption. */
    Path resolve(String relative) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new HindsightException(HindsightException.Kind.CORRUPT,
                    "the backup manifest names a path outside the data directory: " + relative,
                    "the manifest is damaged or was not written by Hindsight; restore another backup");
        }
        return p;
    }
}
