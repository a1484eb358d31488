package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A streaming standby of a managed server, on this host: {@code pg_basebackup} from the primary
 * as the agent (its own physical replication slot, so the primary keeps the WAL the standby has
 * not received), primary_conninfo with a password file in its run directory (not in the data
 * directory its backups copy), its own port and run directory in Hindsight's settings file,
 * started in hot standby. Removing it stops it, drops its slot and deletes its directory.
 */
final class PgStandbyProvisioning {
    private static final Logger log = LoggerFactory.getLogger(PgStandbyProvisioning.class);
    private static final Duration COPY_TIMEOUT = Duration.ofHours(6);

    private PgStandbyProvisioning() {
    }

    /** The replication slot that keeps the primary's WAL for the standby of server {@code id}. */
    static String slotName(String id) {
        return PgNames.requireSlotName("hindsight_standby_" + id.toLowerCase().replaceAll("[^a-z0-9_]", "_"));
    }

    /** A .pgpass field: ':' and '\\' escaped. */
    private static String passfileField(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    static void create(ServerSpec primary, ServerSpec standby, Credentials agent, ServerProfile profile) {
        PgCluster source = PostgresEngine.cluster(primary);
        PgCluster target = PostgresEngine.cluster(standby);
        FileTrees.requireFreshDataDir(standby.dataDir());
        try {
            Files.createDirectories(standby.dataDir().getParent());
            Files.createDirectories(standby.dataDir(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            target.osUser().ensureTraversable(standby.dataDir());
            target.osUser().giveOwnership(standby.dataDir());
            target.prepareRunDir();
            // the password is read from a file in the standby's run directory, outside its data
            // directory: backups taken from the standby carry no password
            Path passfile = standby.runDir().resolve("pgpass");
            Files.writeString(passfile, "127.0.0.1:" + primary.port() + ":*:" + passfileField(agent.user()) + ":"
                    + passfileField(agent.password()) + "\n");
            Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
            target.osUser().giveOwnership(passfile);
            Processes.run(target.osUser().command(List.of(target.tool("pg_basebackup"), "-h", "127.0.0.1", "-p",
                            Integer.toString(primary.port()), "-U", agent.user(), "-D", standby.dataDir().toString(),
                            "-X", "stream", "-C", "-S", slotName(primary.id()), "-c", "fast", "--no-password")),
                    Map.of("PGPASSFILE", passfile.toString()), COPY_TIMEOUT);
            Files.writeString(standby.dataDir().resolve("postgresql.auto.conf"), "\n# Written by Hindsight: this is a"
                    + " standby of " + primary.name() + " for backups\nprimary_conninfo = '" + ("host=127.0.0.1 port="
                    + primary.port() + " user=" + agent.user() + " passfile=" + passfile
                    + " application_name=hindsight_standby").replace("'", "''") + "'\nprimary_slot_name = '"
                    + slotName(primary.id()) + "'\n", java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(standby.dataDir().resolve("standby.signal"), "");
            target.osUser().giveOwnership(standby.dataDir());
            target.writeManagedConfig(standby.port(), profile);
            target.start(PostgresEngine.START_TIMEOUT);
            log.info("Standby of {} on port {} streams from the primary on port {} (slot {})", primary.name(),
                    standby.port(), primary.port(), slotName(primary.id()));
        } catch (IOException | RuntimeException e) {
            remove(primary, standby, agent);
            throw e instanceof HindsightException h ? h : new HindsightException(HindsightException.Kind.FAILED,
                    "could not make a standby of server " + primary.name() + " in " + standby.dataDir() + ": "
                            + e.getMessage(), "see " + target.logFile() + "; what was made has been removed", e);
        }
        if (!source.isRunning()) {
            remove(primary, standby, agent);
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "server " + primary.name()
                    + " stopped while its standby was made", "start it; the standby follows it");
        }
    }

    /** Best effort: each step is tried whatever the previous one did. */
    static void remove(ServerSpec primary, ServerSpec standby, Credentials agent) {
        PgCluster target = PostgresEngine.cluster(standby);
        try {
            target.stop();
        } catch (RuntimeException e) {
            log.warn("could not stop the standby in {}: {}", standby.dataDir(), e.getMessage());
        }
        PgCluster source = PostgresEngine.cluster(primary);
        if (source.isRunning()) {
            try (Connection c = source.connect(agent.user(), agent.password(), "postgres");
                 PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                         + " FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                s.setString(1, slotName(primary.id()));
                s.execute();
            } catch (SQLException e) {
                log.warn("could not drop the standby's slot {} on {}: {}", slotName(primary.id()), primary.name(),
                        e.getMessage());
            }
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
