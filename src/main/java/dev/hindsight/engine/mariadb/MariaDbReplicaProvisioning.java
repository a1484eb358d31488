package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A replica of a managed MariaDB server, on this host, for backups: a mariadb-backup copy of the
 * server, prepared, started on its own port with its own server_id, read-only, replicating by
 * file and position (so that its backups name an exact place in the server's binary log) as the
 * agent. Its replication state (master.info, with the agent's password, and the relay logs) lives
 * in its run directory, outside the data directory its backups copy; the statement that sets it
 * up runs once from an init file that is removed as soon as the replica has started.
 */
final class MariaDbReplicaProvisioning {
    private static final Logger log = LoggerFactory.getLogger(MariaDbReplicaProvisioning.class);
    private static final Duration COPY_TIMEOUT = Duration.ofHours(6);
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(60);

    private MariaDbReplicaProvisioning() {
    }

    /** The replica's settings, kept in its run directory and read at every start ({@link MariaDbConfig}). */
    static List<String> settings(ServerSpec standby) {
        Path run = standby.runDir().toAbsolutePath().normalize();
        return List.of("# a replica of its server for backups (Hindsight)",
                "server_id=" + MariaDbEngine.replicaServerIdOf(standby.id()),
                "read_only=ON",
                "log_slave_updates=ON", // its binary log's GTID proves its data is the server's (MariaDbGtidLocator)
                "binlog_expire_logs_seconds=86400", // a day of it is enough for that; the server's own is captured
                "master_info_file=" + run.resolve("master.info"),
                "relay_log=" + run.resolve("relay"),
                "relay_log_index=" + run.resolve("relay.index"),
                "relay_log_info_file=" + run.resolve("relay-log.info"));
    }

    static void create(ServerSpec primary, ServerSpec standby, Credentials agent, ServerProfile profile) {
        MariaDbCluster source = MariaDbEngine.cluster(primary);
        MariaDbCluster target = MariaDbEngine.cluster(standby);
        FileTrees.requireFreshDataDir(standby.dataDir());
        Path init = standby.runDir().resolve("replica-init.sql");
        try {
            Files.createDirectories(standby.runDir());
            BinlogPosition at = copy(source, standby, agent);
            Files.write(standby.runDir().resolve(MariaDbConfig.REPLICA_FILE), settings(standby));
            target.writeProfile(profile);
            Files.deleteIfExists(init);
            Files.createFile(init, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // the copy's GTID state as the replica's own: a later MASTER_USE_GTID=slave_pos starts right,
            // and its GTID position (which its backups are checked by) covers the server's history
            String gtidState = at.gtid().isEmpty() ? "" : "SET GLOBAL gtid_slave_pos = "
                    + MariaDbLogins.literal(at.gtid()) + ";\n";
            Files.writeString(init, gtidState + "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT="
                    + primary.port()
                    + ", MASTER_USER=" + MariaDbLogins.literal(agent.user()) + ", MASTER_PASSWORD="
                    + MariaDbLogins.literal(agent.password()) + ", MASTER_LOG_FILE=" + MariaDbLogins.literal(at.file())
                    + ", MASTER_LOG_POS=" + at.offset() + ", MASTER_USE_GTID=no;\nSTART SLAVE;\n");
            target.osUser().giveOwnership(init);
            target.osUser().giveOwnership(standby.dataDir());
            try {
                target.start(MariaDbEngine.START_TIMEOUT, List.of("init-file=" + init));
            } finally {
                Files.deleteIfExists(init);
            }
            awaitReplicating(target, agent);
            log.info("Replica of {} on port {} replicates from the server on port {} from {}", primary.name(),
                    standby.port(), primary.port(), at);
        } catch (IOException | RuntimeException e) {
            remove(standby);
            throw e instanceof HindsightException h ? h : new HindsightException(HindsightException.Kind.FAILED,
                    "could not make a replica of server " + primary.name() + " in " + standby.dataDir() + ": "
                            + e.getMessage(), "see " + MariaDbConfig.errorLog(standby.runDir())
                    + "; what was made has been removed", e);
        }
        if (!source.isRunning()) {
            remove(standby);
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "server " + primary.name()
                    + " stopped while its replica was made", "start it; the replica follows it");
        }
    }

    /** Copies the server into the replica's data directory, prepared; returns the binary log position it is at. */
    private static BinlogPosition copy(MariaDbCluster source, ServerSpec standby, Credentials agent)
            throws IOException {
        Path options = MariaDbOptionsFile.write(standby.runDir().resolve("copy.cnf"), "mariadb-backup", Map.of(
                "user", agent.user(), "password", agent.password(), "host", "127.0.0.1",
                "port", Integer.toString(source.port()), "datadir", source.dataDir().toString()));
        try {
            String tool = source.installation().tool("mariadb-backup").toString();
            Processes.Result copied = Processes.runAllowingFailure(List.of(tool, "--defaults-file=" + options,
                    "--backup", "--target-dir=" + standby.dataDir()), Map.of(), COPY_TIMEOUT);
            if (!copied.succeeded()) {
                throw new HindsightException(HindsightException.Kind.FAILED, "mariadb-backup could not copy the"
                        + " server:\n" + copied.tail(), "check the agent's privileges and free space");
            }
        } finally {
            Files.deleteIfExists(options);
        }
        Processes.Result prepared = Processes.runAllowingFailure(List.of(source.installation().tool("mariadb-backup")
                .toString(), "--no-defaults", "--prepare", "--target-dir=" + standby.dataDir(), "--use-memory=512M"),
                Map.of(), COPY_TIMEOUT);
        if (!prepared.succeeded()) {
            throw new HindsightException(HindsightException.Kind.FAILED, "mariadb-backup could not prepare the copy:\n"
                    + prepared.tail(), "check free space and memory");
        }
        String[] info = Files.readString(standby.dataDir().resolve("xtrabackup_binlog_info")).strip().split("\\s+");
        BinlogPosition at = new BinlogPosition(info[0], Long.parseLong(info[1]), info.length > 2 ? info[2] : "");
        // the copy's own records are not the replica's: its backups must not carry them
        try (DirectoryStream<Path> files = Files.newDirectoryStream(standby.dataDir(),
                p -> p.getFileName().toString().startsWith("xtrabackup_")
                        || p.getFileName().toString().equals("backup-my.cnf"))) {
            for (Path file : files) {
                Files.delete(file);
            }
        }
        return at;
    }

    private static void awaitReplicating(MariaDbCluster target, Credentials agent) {
        long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
        String state = "no answer";
        while (System.nanoTime() < deadline) {
            try (Connection c = target.connect(agent.user(), agent.password()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                if (rs.next()) {
                    if ("Yes".equals(rs.getString("Slave_IO_Running"))
                            && "Yes".equals(rs.getString("Slave_SQL_Running"))) {
                        return;
                    }
                    state = "IO " + rs.getString("Slave_IO_Running") + " " + rs.getString("Last_IO_Error") + ", SQL "
                            + rs.getString("Slave_SQL_Running") + " " + rs.getString("Last_SQL_Error");
                } else {
                    state = "no replication set up";
                }
            } catch (SQLException e) {
                state = e.getMessage();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HindsightException(HindsightException.Kind.FAILED, "interrupted", null, e);
            }
        }
        throw new HindsightException(HindsightException.Kind.FAILED, "the replica does not replicate from its server"
                + " after " + CONNECT_WAIT.toSeconds() + " s (" + state + ")",
                "check that the server's agent login may replicate (REPLICATION SLAVE)");
    }

    /** Best effort: stops the replica and removes its directories. */
    static void remove(ServerSpec standby) {
        try {
            MariaDbEngine.cluster(standby).stop(MariaDbEngine.START_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("could not stop the replica in {}: {}", standby.dataDir(), e.getMessage());
        }
        for (Path dir : List.of(standby.dataDir(), standby.runDir())) {
            try {
                FileTrees.deleteRecursively(dir);
            } catch (IOException e) {
                log.warn("could not remove {}: {}", dir, e.getMessage());
            }
        }
    }
}
