package dev.hindsight.engine.mariadb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A private options file for one run of a MariaDB tool: logins go here rather than on the
 * command line, where {@code ps} shows them and mariadb-backup copies its own command line into
 * the backup ({@code xtrabackup_info}).
 */
final class MariaDbOptionsFile {
    private MariaDbOptionsFile() {
    }

    static Path write(Path file, String group, Map<String, String> options) throws IOException {
        StringBuilder text = new StringBuilder("[" + group + "]\n");
        options.forEach((k, v) -> text.append(k).append("=\"").append(quote(v)).append("\"\n"));
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }

    /** Escapes for a double-quoted option value, where backslash sequences are read. */
    static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
