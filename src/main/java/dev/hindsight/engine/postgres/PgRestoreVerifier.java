package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Checks a restored file against the digest its backup recorded (block digest; SHA-256 for
 * format 1 manifests), by reading it back as soon as
 * its last extent is written (from the page cache, while other threads still extract). Reading
 * back keeps extraction free to write extents in any order, and checks what is really on disk.
 */
final class PgRestoreVerifier {
    private static final int BUFFER_SIZE = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER_SIZE));

    private final BackupManifest manifest;

    PgRestoreVerifier(BackupManifest manifest) {
        this.manifest = manifest;
    }

    void check(BackupManifest.ManifestFile f, Path file) throws IOException {
        boolean blocks = f.blockDigest() != null;
        String expected = blocks ? f.blockDigest() : f.sha256();
        String actual = blocks ? BlockChecksums.digestOf(file, BUFFERS.get()) : sha256(file);
        if (!actual.equals(expected)) {
            throw new HindsightException(HindsightException.Kind.CORRUPT,
                    "restored file " + f.path() + " of backup " + manifest.backupId() + " (server "
                            + manifest.serverId() + ") has " + (blocks ? "block digest " : "SHA-256 ") + actual
                            + ", the backup recorded " + expected,
                    "the backup's data is damaged; restore from another copy of the repository or an older backup");
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest sha = BackupFileReader.sha256();
        ByteBuffer buffer = BUFFERS.get();
        buffer.clear();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buffer) >= 0) {
                buffer.flip();
                sha.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
