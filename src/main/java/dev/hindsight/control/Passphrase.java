package dev.hindsight.control;

import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the repository passphrase comes from: {@code HINDSIGHT_PASSPHRASE}, else a key file
 * given at start, else (the embedded default) a passphrase generated once into the home with
 * mode 0600 — announced loudly, because without it the backups cannot be read.
 */
public final class Passphrase {
    private static final Logger log = LoggerFactory.getLogger(Passphrase.class);

    private Passphrase() {
    }

    public static char[] resolve(Home home, Path keyFile, boolean mayGenerate) throws IOException {
        String env = System.getenv("HINDSIGHT_PASSPHRASE");
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        if (keyFile != null) {
            return read(keyFile);
        }
        Path generated = home.generatedPassphrase();
        if (Files.exists(generated)) {
            return read(generated);
        }
        if (!mayGenerate) {
            throw HindsightException.invalid("no passphrase: HINDSIGHT_PASSPHRASE is not set and "
                    + generated + " does not exist", "set HINDSIGHT_PASSPHRASE or pass --passphrase-file FILE");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.writeString(generated, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(generated, PosixFilePermissions.fromString("rw-------"));
        log.warn("Generated a repository passphrase into {} (mode 0600). Keep a copy somewhere else: "
                + "without it no backup in this repository can be read.", generated);
        return value.toCharArray();
    }

    /**
     * The file the passphrase was read from, by the same precedence as {@link #resolve}; empty
     * when it comes from {@code HINDSIGHT_PASSPHRASE}, which only the user can change.
     */
    public static java.util.Optional<Path> file(Home home, Path keyFile) {
        String env = System.getenv("HINDSIGHT_PASSPHRASE");
        if (env != null && !env.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(keyFile != null ? keyFile : home.generatedPassphrase());
    }

    /**
     * Where a passphrase change keeps the new passphrase while it re-wraps the keys: a crash
     * after the keys changed but before the passphrase file did leaves it here, and the daemon
     * opens the repository with it ({@link #openTryingPending}).
     */
    static Path pending(Path file) {
        return file.resolveSibling(file.getFileName() + ".pending");
    }

    /**
     * Writes {@link #pending} durably, before any key is re-wrapped; returns false when it already
     * holds {@code next} (a change being finished). Refused when it holds another passphrase: an
     * interrupted change may have wrapped keys with it, and it is their only record.
     */
    public static boolean stagePending(Path file, char[] next) throws IOException {
        Path pending = pending(file);
        if (Files.isRegularFile(pending)) {
            if (java.util.Arrays.equals(read(pending), next)) {
                return false;
            }
            throw HindsightException.conflict("an earlier passphrase change to another new passphrase was cut short;"
                    + " its new passphrase is kept in " + pending + ", and keys may be wrapped with it",
                    "finish that change: run it again with the new passphrase in " + pending + " (then change again"
                            + " if you like); if it never began (the current passphrase still opens every key,"
                            + " `hindsight repository verify`), delete " + pending);
        }
        write(pending, next);
        syncDirectory(file);
        return true;
    }

    /** The change is complete: the pending passphrase becomes the file's (atomically). */
    public static void commitPending(Path file) throws IOException {
        Files.move(pending(file), file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file);
    }

    /** A new or renamed file's name survives a power loss once its directory is synced. */
    private static void syncDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try (var channel = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** The change was refused before any key changed: the old passphrase stays. */
    public static void dropPending(Path file) throws IOException {
        Files.deleteIfExists(pending(file));
    }

    /** Something that opens a repository with a passphrase. */
    public interface Opener<T> {
        T open(char[] passphrase) throws IOException;
    }

    /**
     * Opens with {@code passphrase}; if it does not unlock the repository and a passphrase change
     * left a pending passphrase beside {@code file}, with that one, which then becomes the file's.
     */
    public static <T> T openTryingPending(java.util.Optional<Path> file, char[] passphrase, Opener<T> opener)
            throws IOException {
        try {
            return opener.open(passphrase);
        } catch (dev.hindsight.repo.WrongPassphraseException wrong) {
            if (file.isEmpty() || !Files.isRegularFile(pending(file.get()))) {
                throw wrong;
            }
            T opened = opener.open(read(pending(file.get())));
            commitPending(file.get());
            log.warn("A passphrase change was interrupted after the keys were re-wrapped: the repository opened with"
                    + " the new passphrase, now written to {}", file.get());
            return opened;
        }
    }

    /** Replaces a passphrase file whole (a crash leaves the old file or the new one), mode 0600. */
    public static void replace(Path file, char[] next) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        write(tmp, next);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void write(Path tmp, char[] next) throws IOException {
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, new String(next) + "\n", StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static char[] read(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw HindsightException.invalid("cannot read the passphrase file " + file,
                    "check the path and its permissions");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw HindsightException.invalid("the passphrase file " + file + " is empty",
                    "write the passphrase into it, or set HINDSIGHT_PASSPHRASE");
        }
        return text.toCharArray();
    }
}
