package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Restorer;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A backup as {@code pg_basebackup} would have written it, for PostgreSQL's own tools:
 * {@code data/} holds the data directory (plain) or {@code base.tar} and {@code pg_wal.tar}
 * (tar), with a {@code backup_manifest} that {@code pg_verifybackup} checks, and the WAL from the
 * backup's start to its end in pg_wal, so it is consistent when started as it is. An export to a
 * time (or the latest point) also has {@code wal/}, every segment recovery replays, and the
 * recovery settings (recovery.signal, restore_command copying from {@code wal/}, the target) in
 * the data directory, as {@code pg_basebackup -R} puts them there.
 */
final class PgExport {
    static final String PLAIN = "plain";
    static final String TAR = "tar";

    private final Repository repository;
    private final RestorePlan plan;
    private final Restorer.ExportTarget target;
    private final String format;

    PgExport(Repository repository, RestorePlan plan, Restorer.ExportTarget target) {
        this.repository = repository;
        this.plan = plan;
        this.target = target;
        this.format = target.format() == null ? PLAIN : target.format();
        if (!format.equals(PLAIN) && !format.equals(TAR)) {
            throw HindsightException.invalid("PostgreSQL backups export as plain or tar, not " + target.format(),
                    "use --format plain (a data directory) or --format tar (base.tar and pg_wal.tar)");
        }
    }

    Restorer.Export write(Progress progress) throws IOException {
        OsUser me = OsUser.forDatabase(System.getProperty("user.name")); // files stay the caller's
        PgRestore restore = new PgRestore(repository, plan, me);
        Path tree = target.workDir().resolve(format.equals(TAR) ? ".tree" : "data");
        restore.materialize(tree, progress);
        BackupManifest backup = PgRestoreMaterializer.readManifest(repository, plan.serverId(), plan.backup().id());
        stageConsistencyWal(backup, tree.resolve("pg_wal"));

        // the source's ALTER SYSTEM settings that would make the copy archive into the source's
        // archive or follow a primary are commented out, as a restore does
        PgRecoveryFiles files = new PgRecoveryFiles(tree);
        files.neutralizeAutoConf();
        RestoreRequest.Kind kind = plan.target().kind();
        boolean replays = kind == RestoreRequest.Kind.TIME || kind == RestoreRequest.Kind.LATEST;
        String restoresTo = "backup " + plan.backup().id() + " at " + plan.pointInTime();
        if (replays) {
            Path walDir = target.workDir().resolve("wal");
            restore.openStaging(walDir);
            restore.stageSegments(walDir, progress);
            RecoveryTarget recoveryTarget = restore.decideTarget(walDir);
            FileTrees.deleteRecursively(walDir.resolve(".incoming"));
            Files.writeString(tree.resolve("postgresql.auto.conf"), PgRecoverySettings.forExport(recoveryTarget,
                            target.dir().resolve("wal"), "to " + plan.pointInTime()), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            files.signalRecovery();
            restoresTo = plan.pointInTime() + " (from backup " + plan.backup().id() + " and the WAL after it)";
        }
        progress.update("writing backup_manifest", 0, -1);
        byte[] manifest = PgBackupManifestFile.render(PgBackupManifestFile.scan(tree), backup.timeline(),
                backup.startLsn(), backup.stopLsn());
        Path data = target.workDir().resolve("data");
        if (format.equals(TAR)) {
            progress.update("writing base.tar and pg_wal.tar", 0, -1);
            Files.createDirectories(data);
            PgTarFiles.write(tree, data.resolve("base.tar"), data.resolve("pg_wal.tar"));
            FileTrees.deleteRecursively(tree);
        }
        Files.write(data.resolve(PgBackupManifestFile.NAME), manifest);
        List<String> how = howToRestore(replays, restoresTo);
        Files.write(target.workDir().resolve("RESTORE.txt"), how, StandardCharsets.UTF_8);
        return new Restorer.Export(format, FileTrees.size(target.workDir()), plan.pointInTime(), how);
    }

    /**
     * The segments from the backup's start to its end, into pg_wal (as pg_basebackup -X fetch):
     * replayed on a plain start, read by pg_verifybackup's WAL check. The timeline's history goes
     * with them, as pg_basebackup includes it.
     */
    private void stageConsistencyWal(BackupManifest backup, Path pgWal) throws IOException {
        WalArchive archive = new WalArchive(repository, plan.serverId());
        Path incoming = Files.createDirectories(target.workDir().resolve(".incoming"));
        long first = backup.startLsn().segment();
        long last = backup.stopLsn().offsetInSegment() == 0 ? backup.stopLsn().segment() - 1
                : backup.stopLsn().segment();
        for (long segno = first; segno <= last; segno++) {
            Path staged = archive.stageSegment(backup.timeline(), segno, incoming);
            Files.move(staged, pgWal.resolve(staged.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        if (archive.historyTimelines().contains(backup.timeline())) {
            Path history = archive.stageHistory(backup.timeline(), incoming);
            Files.move(history, pgWal.resolve(history.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        FileTrees.deleteRecursively(incoming);
    }

    private List<String> howToRestore(boolean replays, String restoresTo) {
        Path dir = target.dir();
        Path data = dir.resolve("data");
        List<String> how = new ArrayList<>();
        how.add("PostgreSQL backup of server " + plan.serverId() + " exported by Hindsight, " + format
                + " format; it restores to " + restoresTo + ".");
        how.add("Check it: pg_verifybackup " + (format.equals(TAR) ? "(after unpacking, see below) " : "") + data);
        if (format.equals(TAR)) {
            how.add("Unpack it into an empty data directory D (mode 0700, owned by the user that runs PostgreSQL):");
            how.add("  tar -xf " + data.resolve("base.tar") + " -C D && tar -xf " + data.resolve("pg_wal.tar")
                    + " -C D/pg_wal && cp " + data.resolve(PgBackupManifestFile.NAME) + " D/");
        } else {
            how.add("Its data directory is " + data + " (give it to the user that runs PostgreSQL, mode 0700).");
        }
        how.add("Start it with the same major version of PostgreSQL, e.g.: pg_ctl -D " + (format.equals(TAR) ? "D"
                : data) + " -o \"-p PORT -k SOCKETDIR\" -l server.log start");
        if (replays) {
            how.add("It recovers with restore_command copying from " + dir.resolve("wal")
                    + " (postgresql.auto.conf) and promotes; if you move the export, change that path there.");
        } else {
            how.add("It replays the WAL in pg_wal to the end of the backup and is consistent at once.");
        }
        how.add("The source's postgresql.conf and pg_hba.conf came with it: check port, socket and access rules.");
        return how;
    }
}
