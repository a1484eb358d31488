package dev.hindsight.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The file system's immutable attribute ({@code chattr +i}, ext4/xfs/btrfs) on a file store's
 * objects: while it is set, not even root deletes, renames or rewrites the file without first
 * lifting it, which only root can. When the protection ends is kept beside it in an extended
 * attribute, set while the file can still be changed; the store lifts the flag once that has passed.
 */
final class ImmutableFiles {
    private static final String UNTIL_ATTRIBUTE = "hindsight.immutable-until";
    private static final long CHATTR_SECONDS = 30;

    private ImmutableFiles() {
    }

    /** Until when {@code file} is to stay immutable; empty if it never was made so. */
    static Optional<Instant> until(Path file) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null || !attributes(view).contains(UNTIL_ATTRIBUTE)) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.allocate(view.size(UNTIL_ATTRIBUTE));
        view.read(UNTIL_ATTRIBUTE, buffer);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new IOException("the immutability end recorded on " + file + " is not a time: " + text, e);
        }
    }

    /**
     * A file system without user extended attributes holds nothing immutable (protect needs
     * them), so its files read as unprotected rather than failing every delete.
     */
    private static List<String> attributes(UserDefinedFileAttributeView view) throws IOException {
        try {
            return view.list();
        } catch (FileSystemException e) {
            if (e.getMessage() != null && e.getMessage().contains("not supported")) {
                return List.of();
            }
            throw e;
        } catch (UnsupportedOperationException e) {
            return List.of();
        }
    }

    /** Makes {@code file} immutable until {@code until}, or leaves a longer protection in place. */
    static void protect(Path file, Instant until) throws IOException {
        Optional<Instant> current = until(file);
        if (current.isPresent() && !current.get().isBefore(until)) {
            return;
        }
        if (current.isPresent()) {
            chattr("-i", file); // extended attributes of an immutable file cannot change
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            throw new IOException("cannot make " + file + " immutable: its file system keeps no extended attributes");
        }
        view.write(UNTIL_ATTRIBUTE, ByteBuffer.wrap(until.toString().getBytes(StandardCharsets.US_ASCII)));
        chattr("+i", file);
    }

    /** Lifts the immutable attribute, so that the file can be deleted. */
    static void lift(Path file) throws IOException {
        chattr("-i", file);
    }

    /**
     * Empty if files under {@code dir} can be made immutable and then really resist deletion
     * (tried on a probe file), else what stands in the way.
     */
    static Optional<String> refusal(Path dir) {
        Path probe = null;
        try {
            Directories.ensure(dir);
            probe = Files.createTempFile(dir, Keys.TEMPORARY_PREFIX + "immutability-probe", null);
            protect(probe, Instant.now().plusSeconds(60));
            try {
                Files.delete(probe);
                return Optional.of("the file system under " + dir + " let an immutable file be deleted");
            } catch (FileSystemException expected) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.of("files under " + dir + " cannot be made immutable (" + e.getMessage()
                    + "); that needs the daemon to run as root on a file system with the immutable attribute"
                    + " and extended attributes (ext4, xfs, btrfs)");
        } finally {
            if (probe != null) {
                try {
                    lift(probe);
                } catch (IOException ignored) {
                    // it was never made immutable
                }
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // a hidden temporary name; listings skip it
                }
            }
        }
    }

    private static void chattr(String flag, Path file) throws IOException {
        Process p = new ProcessBuilder(List.of("chattr", flag, "--", file.toString()))
                .redirectErrorStream(true).start();
        try {
            if (!p.waitFor(CHATTR_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chattr " + flag + " " + file + " did not finish in " + CHATTR_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted during chattr " + flag + " " + file);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException("chattr " + flag + " " + file + " failed: " + output);
        }
    }
}
