package dev.hindsight.engine.mariadb;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Processes;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a backup of a running MariaDB server with mariadb-backup, streamed ({@code xbstream})
 * straight into repository objects: a full, or a differential holding the InnoDB pages changed
 * since a full's LSN ({@code --incremental-lsn}). The binary log position the data is consistent
 * at comes from the tool's own record of the backup.
 */
final class MariaDbBackup {
    private static final Logger log = LoggerFactory.getLogger(MariaDbBackup.class);
    private static final Pattern BINLOG_POS = Pattern.compile(
            "filename '([^']+)', position '(\\d+)'(?:, GTID of the last change '([^']*)')?");

    /** A base for a differential: the full's id and the LSN its data reaches. */
    record Base(String backupId, long toLsn) {
    }

    /** Maps the point a replica's backup is consistent at into the server's own binary log, with its GTID position. */
    interface PrimaryLog {
        BinlogPosition positionOf(ReplicaPoint point) throws SQLException;
    }

    /**
     * A backup taken on the server's replica ({@code --slave-info}), tagged {@code source} in its
     * manifest; its position is the server's, through {@code log}; {@code lsn} is the replica's
     * InnoDB LSN before the backup (a differential's base must not reach past it).
     */
    record FromReplica(String source, long lsn, PrimaryLog log) {
    }

    private final MariaDbInstallation installation;
    private final Repository repo;
    private final String serverId;
    private final Clock clock;
    private final int writers;

    MariaDbBackup(MariaDbInstallation installation, Repository repo, String serverId, Clock clock, int writers) {
        this.installation = installation;
        this.repo = repo;
        this.serverId = serverId;
        this.clock = clock;
        this.writers = writers;
    }

    /**
     * @param workDir an empty directory for the tool's small files (its options and LSN record);
     *                removed afterwards
     */
    MariaDbBackupManifest run(BinlogCapture.Source source, Path dataDir, Path workDir, String backupId, Optional<Base> base,
                              Progress progress) throws IOException, InterruptedException {
        return run(source, dataDir, workDir, backupId, base, null, progress);
    }

    /** @param replica null when {@code source} is the server itself */
    MariaDbBackupManifest run(BinlogCapture.Source source, Path dataDir, Path workDir, String backupId, Optional<Base> base,
                              FromReplica replica, Progress progress) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        long began = System.nanoTime();
        try {
            Path options = MariaDbOptionsFile.write(workDir.resolve("backup.cnf"), "mariadb-backup", Map.of(
                    "user", source.user(), "password", source.password(), "host", source.host(),
                    "port", Integer.toString(source.port()), "datadir", dataDir.toString()));
            Path lsnDir = Files.createDirectories(workDir.resolve("lsn"));
            Path stderr = workDir.resolve("mariadb-backup.log");
            List<String> command = new ArrayList<>(List.of(installation.tool("mariadb-backup").toString(),
                    "--defaults-file=" + options, "--backup", "--stream=xbstream",
                    "--target-dir=" + Files.createDirectories(workDir.resolve("target")),
                    "--extra-lsndir=" + lsnDir, "--parallel=" + writers));
            base.ifPresent(b -> command.add("--incremental-lsn=" + b.toLsn()));
            if (replica != null) {
                command.add("--slave-info");
            }
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            List<MariaDbBackupManifest.Part> parts;
            try (InputStream stream = process.getInputStream()) {
                parts = new BackupStreamWriter(repo, serverId, backupId, writers, BackupStreamWriter.PART)
                        .write(stream, progress);
            } catch (IOException | InterruptedException | RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new HindsightException(HindsightException.Kind.FAILED, "mariadb-backup failed for server "
                        + serverId + ":\n" + Processes.tail(Files.readString(stderr), 15),
                        "check the server's privileges and that its data directory " + dataDir + " is readable here");
            }
            Instant consistentAt = clock.instant();
            Map<String, String> info = readInfo(lsnDir.resolve("xtrabackup_info"));
            Matcher m = BINLOG_POS.matcher(info.getOrDefault("binlog_pos", ""));
            BinlogPosition position;
            if (replica != null) {
                ReplicaPoint point = ReplicaPoint.fromLog(Files.readString(stderr));
                position = positionOnTheServer(replica, m.find() && m.group(3) != null
                        ? point.withOwnGtid(m.group(3)) : point);
            } else if (m.find()) {
                position = new BinlogPosition(m.group(1), Long.parseLong(m.group(2)),
                        m.group(3) == null ? "" : m.group(3));
            } else {
                throw new HindsightException(HindsightException.Kind.FAILED, "mariadb-backup recorded no binary log "
                        + "position for server " + serverId + ": binary logging is off",
                        "turn on log_bin on the server; point-in-time restore replays the binary log");
            }
            MariaDbBackupManifest manifest = new MariaDbBackupManifest(MariaDbBackupManifest.FORMAT,
                    base.isPresent() ? MariaDbBackupManifest.DIFF : MariaDbBackupManifest.FULL,
                    base.map(Base::backupId).orElse(null), info.getOrDefault("server_version", ""),
                    position.text(), position.gtid(), Long.parseLong(info.getOrDefault("innodb_from_lsn", "0")),
                    Long.parseLong(info.get("innodb_to_lsn")), consistentAt, parts,
                    replica == null ? null : replica.source());
            repo.writeJson(Layout.manifest(serverId, backupId), manifest);
            log.info("Backup {} of {}: {} at {} (LSN {}-{}, GTID {}), {} bytes streamed in {} parts, {} stored, {} ms",
                    backupId, serverId, manifest.kind(), manifest.position(), manifest.fromLsn(), manifest.toLsn(),
                    manifest.gtid(), manifest.streamBytes(), parts.size(), manifest.storedBytes(),
                    (System.nanoTime() - began) / 1_000_000);
            return manifest;
        } finally {
            FileTrees.deleteRecursively(workDir);
        }
    }

    private BinlogPosition positionOnTheServer(FromReplica replica, ReplicaPoint point) {
        try {
            return replica.log().positionOf(point);
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "cannot find where the replica's"
                    + " backup of server " + serverId + " stands in the server's binary log: " + e.getMessage(),
                    "the next backup tries again (from the server itself if the replica cannot serve it)", e);
        }
    }

    static Map<String, String> readInfo(Path file) throws IOException {
        Map<String, String> info = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf(" = ");
            if (eq > 0) {
                info.put(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
            }
        }
        return info;
    }
}
