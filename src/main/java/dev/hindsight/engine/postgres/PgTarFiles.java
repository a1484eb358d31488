package dev.hindsight.engine.postgres;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * pg_basebackup's tar format: the data directory in {@code base.tar} (pg_wal as an empty
 * directory), the WAL segments in {@code pg_wal.tar}; entries relative to the directory, with
 * each file's mode and modification time, so that {@code tar -x} gives back what plain would.
 */
final class PgTarFiles {
    private PgTarFiles() {
    }

    static void write(Path dataDir, Path baseTar, Path walTar) throws IOException {
        Path pgWal = dataDir.resolve("pg_wal");
        try (TarArchiveOutputStream base = open(baseTar); TarArchiveOutputStream wal = open(walTar)) {
            for (Path p : sorted(dataDir)) {
                if (p.equals(dataDir)) {
                    continue;
                }
                if (p.startsWith(pgWal) && !p.equals(pgWal)) {
                    add(wal, pgWal, p);
                } else {
                    add(base, dataDir, p);
                }
            }
            base.finish();
            wal.finish();
        }
    }

    private static TarArchiveOutputStream open(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.sorted().toList();
        }
    }

    private static void add(TarArchiveOutputStream tar, Path root, Path p) throws IOException {
        String name = root.relativize(p).toString().replace('\\', '/');
        boolean dir = Files.isDirectory(p);
        TarArchiveEntry entry = new TarArchiveEntry(dir ? name + "/" : name);
        entry.setMode((dir ? TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 : TarArchiveEntry.DEFAULT_FILE_MODE & ~0777)
                | mode(Files.getPosixFilePermissions(p)));
        entry.setModTime(Files.getLastModifiedTime(p));
        if (!dir) {
            entry.setSize(Files.size(p));
        }
        tar.putArchiveEntry(entry);
        if (!dir) {
            Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
    }

    private static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission perm : permissions) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return mode;
    }
}
