package dev.hindsight.engine.mariadb;

import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Processes;
import dev.hindsight.util.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Turns a backup in the repository back into a MariaDB data directory: each stream is fed,
 * checked part by part against its manifest, to {@code mbstream}; then mariadb-backup prepares
 * the full (and applies a differential onto it). Also stages the binary logs a restore replays.
 */
final class MariaDbRestore {
    /** The backup's own files, which a server does not need. */
    private static final List<String> BACKUP_FILES = List.of("backup-my.cnf", "xtrabackup_binlog_info",
            "xtrabackup_binlog_pos_innodb", "xtrabackup_checkpoints", "xtrabackup_info");
    private static final Duration PREPARE_TIMEOUT = Duration.ofHours(6);

    private final MariaDbInstallation installation;
    private final Repository repo;

    MariaDbRestore(MariaDbInstallation installation, Repository repo) {
        this.installation = installation;
        this.repo = repo;
    }

    /**
     * Writes the prepared backup into {@code dataDir} (which must not exist or be empty), owned by
     * {@code owner}: the full, and the differential applied onto it when there is one.
     *
     * @param chain the full, then optionally a differential of it
     */
    void materialize(List<MariaDbBackupManifest> chain, Path dataDir, Path workDir, OsUser owner, Progress progress)
            throws IOException {
        FileTrees.requireFreshDataDir(dataDir);
        FileTrees.createPrivateDirectories(dataDir);
        long total = chain.stream().mapToLong(MariaDbBackupManifest::streamBytes).sum();
        long[] done = {0};
        extract(chain.get(0), dataDir, total, done, progress);
        prepare(dataDir, null);
        if (chain.size() > 1) {
            Path incremental = Files.createDirectories(workDir.resolve("incremental"));
            try {
                extract(chain.get(1), incremental, total, done, progress);
                prepare(dataDir, incremental);
            } finally {
                FileTrees.deleteRecursively(incremental);
            }
        }
        for (String f : BACKUP_FILES) {
            Files.deleteIfExists(dataDir.resolve(f));
        }
        owner.giveOwnership(dataDir);
    }

    private void extract(MariaDbBackupManifest manifest, Path dir, long total, long[] done, Progress progress)
            throws IOException {
        Process mbstream = new ProcessBuilder(installation.tool("mbstream").toString(), "-x", "-C", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".mbstream.log").toFile())
                .start();
        try (OutputStream in = mbstream.getOutputStream()) {
            for (MariaDbBackupManifest.Part part : manifest.parts()) {
                copyChecked(part, in);
                done[0] += part.bytes();
                progress.update("restoring the backup", done[0], total);
            }
        } catch (IOException | RuntimeException e) {
            mbstream.destroyForcibly();
            Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".mbstream.log"));
            throw e;
        }
        try {
            if (!mbstream.waitFor(10, TimeUnit.MINUTES) || mbstream.exitValue() != 0) {
                mbstream.destroyForcibly();
                throw new HindsightException(HindsightException.Kind.FAILED, "mbstream could not unpack the backup: "
                        + Processes.tail(Files.readString(dir.resolveSibling(dir.getFileName() + ".mbstream.log")), 10),
                        "check free space in " + dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking the backup", e);
        } finally {
            Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".mbstream.log"));
        }
    }

    /** Streams one part into {@code out}, and fails (before the tool sees the end) if its bytes are not the manifest's. */
    void copyChecked(MariaDbBackupManifest.Part part, OutputStream out) throws IOException {
        CRC32C crc = new CRC32C();
        long length = 0;
        try (InputStream in = repo.read(part.key())) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                crc.update(buf, 0, r);
                out.write(buf, 0, r);
                length += r;
            }
        }
        if (length != part.bytes() || crc.getValue() != part.crc32c()) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "backup part " + part.key() + " holds "
                    + length + " bytes with CRC32C " + Long.toHexString(crc.getValue()) + ", but its manifest says "
                    + part.bytes() + " bytes, " + Long.toHexString(part.crc32c()),
                    "restore from another backup; run an integrity check of the repository");
        }
    }

    private void prepare(Path dataDir, Path incremental) throws IOException {
        List<String> command = new ArrayList<>(List.of(installation.tool("mariadb-backup").toString(), "--no-defaults",
                "--prepare", "--target-dir=" + dataDir, "--use-memory=512M"));
        if (incremental != null) {
            command.add("--incremental-dir=" + incremental);
        }
        Processes.Result r = Processes.runAllowingFailure(command, Map.of(), PREPARE_TIMEOUT);
        if (!r.succeeded()) {
            throw new HindsightException(HindsightException.Kind.FAILED, "mariadb-backup could not prepare the backup in "
                    + dataDir + ":\n" + r.tail(), "check free space and memory; the backup's files stay in " + dataDir);
        }
    }

    /**
     * The binary logs a plan replays, staged, and the last transaction to replay to; none for a
     * plan to a backup's own point (or when no transaction followed the backup).
     */
    record ReplayLogs(List<Path> staged, Optional<BinlogTransactions.TransactionEnd> until) {
        /** The staged files up to the one holding {@code until}: those after it are not replayed. */
        List<Path> replayed() {
            return until.map(u -> staged.subList(0, u.fileIndex() + 1)).orElse(List.of());
        }
    }

    /** Stages into {@code dir} what {@code plan} replays from the backup's position {@code start}. */
    static ReplayLogs stageReplay(Repository repo, String serverId, RestorePlan plan, BinlogPosition start, Path dir,
                                  Progress progress) throws IOException {
        RestoreRequest.Kind kind = plan.target().kind();
        if (kind != RestoreRequest.Kind.LATEST && kind != RestoreRequest.Kind.TIME) {
            return new ReplayLogs(List.of(), Optional.empty());
        }
        progress.update("staging the binary log", 0, -1);
        BinlogArchive archive = new BinlogArchive(repo, serverId);
        BinlogChain.Run run = new BinlogChain(archive.list()).from(start);
        BinlogTransactions.Finder finder = new BinlogTransactions.Finder(start.offset(),
                kind == RestoreRequest.Kind.TIME ? Optional.of(plan.pointInTime()) : Optional.empty());
        List<Path> staged = stageLogs(archive, run, finder, dir);
        return new ReplayLogs(staged, finder.stop());
    }

    /**
     * Writes the binary logs of {@code run} into {@code dir} (private to this process: they are
     * decrypted data), whole files, the last one as far as the repository holds it, each read by
     * {@code finder} as it comes: files after the one in which a transaction committed after the
     * target shows up are not needed. Returns the staged files in order.
     */
    static List<Path> stageLogs(BinlogArchive archive, BinlogChain.Run run, BinlogTransactions.Finder finder, Path dir)
            throws IOException {
        FileTrees.createPrivateDirectories(dir);
        List<Path> staged = new ArrayList<>();
        for (BinlogChain.FileReach f : run.files()) {
            Path file = archive.stage(f.file(), f.reach(), dir);
            staged.add(file);
            if (finder.scan(file)) {
                break;
            }
        }
        return staged;
    }
}
