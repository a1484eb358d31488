package dev.hindsight.engine.mariadb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The options file a managed MariaDB server runs with ({@code mariadbd --defaults-file}), kept
 * in the server's run directory, not the data directory, so a backup of the data never carries
 * one host's paths and ports to another. What backups need is fixed here: binary logging in row
 * format with GTIDs in strict mode and a unique server id, and the server reachable on
 * 127.0.0.1 only unless the server's profile says otherwise ({@link MariaDbProfileSettings}).
 */
final class MariaDbConfig {
    static final String FILE = "hindsight.cnf";
    /** Binary logs are {@code binlog.000001}, … in the data directory, listed in {@code binlog.index}. */
    static final String BINLOG_BASENAME = "binlog";
    /** A replica's settings, in its run directory ({@link MariaDbReplicaProvisioning}). */
    static final String REPLICA_FILE = "replica.cnf";

    private MariaDbConfig() {
    }

    static String render(Path dataDir, Path runDir, int port, long serverId, List<String> profile, List<String> extra) {
        boolean profileBinds = profile.stream().anyMatch(l -> l.startsWith("bind-address="));
        List<String> lines = new java.util.ArrayList<>(List.of(
                "# written by Hindsight; changed at every start, edits are lost",
                "[mariadbd]",
                "datadir=" + dataDir,
                "port=" + port,
                profileBinds ? "# bind-address: from the server's firewall rules, below" : "bind-address=127.0.0.1",
                "socket=" + socket(runDir),
                "pid-file=" + pidFile(runDir),
                "log-error=" + errorLog(runDir),
                "skip-name-resolve",
                "server_id=" + serverId,
                "log-bin=" + BINLOG_BASENAME,
                "log-bin-index=" + BINLOG_BASENAME + ".index",
                "binlog_format=ROW",
                "gtid_strict_mode=ON"));
        lines.addAll(profile);
        lines.addAll(extra);
        lines.add("");
        return String.join("\n", lines);
    }

    static Path write(Path dataDir, Path runDir, int port, long serverId, List<String> extra) throws IOException {
        Path file = runDir.resolve(FILE);
        List<String> settings = new java.util.ArrayList<>(MariaDbProfileSettings.read(runDir));
        // a replica's own settings come last: its server_id overrides the one given above
        Path replica = runDir.resolve(REPLICA_FILE);
        if (Files.isRegularFile(replica)) {
            settings.addAll(Files.readAllLines(replica));
        }
        Files.writeString(file, render(dataDir, runDir, port, serverId, settings, extra));
        return file;
    }

    static Path socket(Path runDir) {
        return runDir.resolve("mariadbd.sock");
    }

    static Path pidFile(Path runDir) {
        return runDir.resolve("mariadbd.pid");
    }

    static Path errorLog(Path runDir) {
        return runDir.resolve("mariadbd.err");
    }
}
