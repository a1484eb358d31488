package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;

/**
 * The files recovery touches in a data directory. Each one is given to the data directory's
 * owner with mode 0600: Hindsight may run as root, and the server (another user) must read them.
 */
final class PgRecoveryFiles {
    private final Path dataDir;

    PgRecoveryFiles(Path dataDir) {
        this.dataDir = dataDir;
    }

    void requireDataDirectory() {
        if (!Files.isRegularFile(dataDir.resolve("PG_VERSION")) || !Files.isRegularFile(dataDir.resolve("postgresql.conf"))) {
            throw HindsightException.invalid(dataDir + " is not a PostgreSQL data directory (no PG_VERSION or postgresql.conf)",
                    "materialize a backup into it first");
        }
    }

    void writeSettings(String content) throws IOException {
        write(dataDir.resolve(PgRecoverySettings.FILE), content);
    }

    /** Appends the include line to postgresql.conf unless it is there already (a restore of a restore). */
    void ensureIncluded() throws IOException {
        Path conf = dataDir.resolve("postgresql.conf");
        String text = Files.readString(conf, StandardCharsets.UTF_8);
        if (!PgRecoverySettings.includes(text)) {
            // last in postgresql.conf, so it overrides earlier lines (postgresql.auto.conf still wins)
            Files.writeString(conf, (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
                    + PgRecoverySettings.INCLUDE_LINE + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
    }

    /** Comments out ALTER SYSTEM settings that would override the recovery settings. */
    void neutralizeAutoConf() throws IOException {
        Path auto = dataDir.resolve("postgresql.auto.conf");
        if (!Files.isRegularFile(auto)) {
            return;
        }
        String text = Files.readString(auto, StandardCharsets.UTF_8);
        String neutral = PgRecoverySettings.neutralizeAutoConf(text);
        if (!neutral.equals(text)) {
            Files.writeString(auto, neutral, StandardCharsets.UTF_8); // same file: owner and mode stay
        }
    }

    /** recovery.signal = targeted recovery that ends in promotion; standby.signal would never promote. */
    void signalRecovery() throws IOException {
        Files.deleteIfExists(dataDir.resolve("standby.signal"));
        write(dataDir.resolve("recovery.signal"), "");
    }

    /** standby.signal: recovery that waits for more WAL at its end, until it is asked to promote. */
    void signalStandby() throws IOException {
        Files.deleteIfExists(dataDir.resolve("recovery.signal"));
        write(dataDir.resolve("standby.signal"), "");
    }

    /**
     * Where the newest timeline branched off, from its history file in pg_wal (last line:
     * "parent-tli  switch-lsn  reason"); null if there is none.
     */
    Lsn switchLsn() throws IOException {
        Path wal = dataDir.resolve("pg_wal");
        List<Path> histories;
        try (var list = Files.list(wal)) {
            histories = list.filter(p -> p.getFileName().toString().matches("[0-9A-F]{8}\\.history")).sorted().toList();
        }
        if (histories.isEmpty()) {
            return null;
        }
        List<String> lines = Files.readAllLines(histories.get(histories.size() - 1), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (lines.isEmpty()) {
            return null;
        }
        String[] fields = lines.get(lines.size() - 1).split("\\s+");
        return fields.length >= 2 ? Lsn.parse(fields[1]) : null;
    }

    private void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes owner = Files.readAttributes(dataDir, PosixFileAttributes.class);
        view.setPermissions(PgFileModes.toPermissions(0600));
        view.setOwner(owner.owner());
        view.setGroup(owner.group());
    }
}
