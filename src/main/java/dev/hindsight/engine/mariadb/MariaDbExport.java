package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.Restorer;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A backup for MariaDB's own tools: the full's xbstream as mariadb-backup wrote it (and the
 * differential's, to prepare on top), checked part by part against the manifest; for a time
 * (or the latest point), the binary logs from the backup's position in {@code binlog/} and the
 * positions to replay them between with mariadb-binlog.
 */
final class MariaDbExport {
    static final String XBSTREAM = "xbstream";

    private final Repository repository;
    private final RestorePlan plan;
    private final Restorer.ExportTarget target;

    MariaDbExport(Repository repository, RestorePlan plan, Restorer.ExportTarget target) {
        this.repository = repository;
        this.plan = plan;
        this.target = target;
        if (target.format() != null && !target.format().equals(XBSTREAM)) {
            throw HindsightException.invalid("MariaDB backups export as xbstream, not " + target.format(),
                    "leave out --format, or give --format xbstream");
        }
    }

    Restorer.Export write(Progress progress) throws IOException {
        MariaDbBackupManifest backup = MariaDbEngine.manifest(repository, plan.serverId(), plan.backup().id());
        Path dir = target.workDir();
        Files.createDirectories(dir);
        MariaDbRestore reader = new MariaDbRestore(null, repository);
        Path full = dir.resolve("full.xbstream");
        Path incremental = dir.resolve("incremental.xbstream");
        boolean diff = MariaDbBackupManifest.DIFF.equals(backup.kind());
        if (diff) {
            writeStream(reader, MariaDbEngine.manifest(repository, plan.serverId(), backup.baseBackupId()), full, progress);
            writeStream(reader, backup, incremental, progress);
        } else {
            writeStream(reader, backup, full, progress);
        }

        BinlogPosition start = backup.binlogPosition();
        MariaDbRestore.ReplayLogs logs = MariaDbRestore.stageReplay(repository, plan.serverId(), plan, start,
                dir.resolve("binlog"), progress);
        for (Path extra : logs.staged().subList(logs.replayed().size(), logs.staged().size())) {
            Files.delete(extra); // after the target: not replayed
        }
        List<String> how = howToRestore(backup, diff, start, logs.replayed(), logs.until());
        Files.write(dir.resolve("RESTORE.txt"), how, StandardCharsets.UTF_8);
        return new Restorer.Export(XBSTREAM, FileTrees.size(dir), plan.pointInTime(), how);
    }

    private static void writeStream(MariaDbRestore reader, MariaDbBackupManifest manifest, Path file,
                                    Progress progress) throws IOException {
        long total = manifest.streamBytes();
        long done = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (MariaDbBackupManifest.Part part : manifest.parts()) {
                reader.copyChecked(part, out);
                done += part.bytes();
                progress.update("writing " + file.getFileName(), done, total);
            }
        }
    }

    private List<String> howToRestore(MariaDbBackupManifest backup, boolean diff, BinlogPosition start,
                                      List<Path> logs, Optional<BinlogTransactions.TransactionEnd> until) {
        Path dir = target.dir();
        List<String> how = new ArrayList<>();
        how.add("MariaDB backup of server " + plan.serverId() + " exported by Hindsight (mariadb-backup "
                + backup.serverVersion() + "); it restores to " + plan.pointInTime() + ".");
        how.add("1. Unpack and prepare it into an empty directory D:");
        how.add("  mbstream -x -C D < " + dir.resolve("full.xbstream"));
        how.add("  mariadb-backup --prepare --target-dir=D");
        if (diff) {
            how.add("  mbstream -x -C I < " + dir.resolve("incremental.xbstream") + "   (I: another empty directory)");
            how.add("  mariadb-backup --prepare --target-dir=D --incremental-dir=I");
        }
        how.add("2. Give D to the user that runs MariaDB and start a server on it (mariadbd --datadir=D ...).");
        if (until.isEmpty()) {
            how.add("3. Nothing to replay: the backup itself is the state at " + plan.pointInTime()
                    + " (GTID " + backup.gtid() + ").");
            return how;
        }
        StringBuilder replay = new StringBuilder("  mariadb-binlog --start-position=" + start.offset()
                + " --stop-position=" + until.get().end());
        for (Path log : logs) {
            replay.append(' ').append(dir.resolve("binlog").resolve(log.getFileName()));
        }
        replay.append(" | mariadb -u root");
        how.add("3. Replay the binary logs from " + start.file() + ":" + start.offset() + " (the backup's position)"
                + " to " + until.get().file() + ":" + until.get().end() + " (the last transaction at or before "
                + plan.pointInTime() + ", GTID " + until.get().gtid() + "):");
        how.add(replay.toString());
        return how;
    }
}
