package dev.hindsight.engine.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@code backup_manifest} as {@code pg_basebackup} writes it (version 1: every file with its
 * size, time and SHA-256; the WAL range replay needs; a SHA-256 of the manifest itself), so that
 * {@code pg_verifybackup} checks an exported data directory as it would one of its own.
 */
final class PgBackupManifestFile {
    static final String NAME = "backup_manifest";
    private static final DateTimeFormatter MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'GMT'").withZone(ZoneOffset.UTC);

    /** One file of the backup, by its '/'-separated path inside the data directory. */
    record Entry(String path, long size, java.time.Instant modified, byte[] sha256) {
    }

    private PgBackupManifestFile() {
    }

    /**
     * Every regular file under {@code dataDir} but the manifest itself and the WAL in pg_wal
     * (pg_basebackup lists neither), read and hashed, in path order.
     */
    static List<Entry> scan(Path dataDir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String path = dataDir.relativize(file).toString().replace('\\', '/');
                if (path.equals(NAME) || path.startsWith("pg_wal/")) {
                    continue;
                }
                entries.add(new Entry(path, Files.size(file), Files.getLastModifiedTime(file).toInstant(),
                        sha256(file)));
            }
        }
        return entries;
    }

    /** The manifest's bytes: the files, one WAL range on {@code timeline} from {@code start} to {@code end}, its checksum. */
    static byte[] render(List<Entry> files, int timeline, Lsn start, Lsn end) {
        StringBuilder m = new StringBuilder("{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n");
        for (int i = 0; i < files.size(); i++) {
            Entry e = files.get(i);
            m.append("{ \"Path\": ").append(jsonString(e.path())).append(", \"Size\": ").append(e.size())
                    .append(", \"Last-Modified\": \"").append(MODIFIED.format(e.modified()))
                    .append("\", \"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \"")
                    .append(HexFormat.of().formatHex(e.sha256())).append("\" }")
                    .append(i + 1 < files.size() ? ",\n" : "\n");
        }
        m.append("],\n\"WAL-Ranges\": [\n{ \"Timeline\": ").append(timeline).append(", \"Start-LSN\": \"")
                .append(start).append("\", \"End-LSN\": \"").append(end).append("\" }\n],\n");
        // the checksum covers every byte before its own line, as pg_verifybackup computes it
        byte[] body = m.toString().getBytes(StandardCharsets.UTF_8);
        String checksum = HexFormat.of().formatHex(digest().digest(body));
        m.append("\"Manifest-Checksum\": \"").append(checksum).append("\"}\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                digest.update(buf, 0, r);
            }
        }
        return digest.digest();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
