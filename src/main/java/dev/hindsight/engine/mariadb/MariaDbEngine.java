package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.EngineProvider;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.OsUser;

import java.io.IOException;
import java.time.Duration;

/** MariaDB behind the {@link Engine} interface: managed servers on this host, mariadb-backup, binary log capture. */
public final class MariaDbEngine implements EngineProvider {
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String OS_USER_IF_ROOT = "mysql";

    @Override
    public Engine engine() {
        return new Engine("mariadb", new MariaDbLifecycle(), new MariaDbSnapshots(), new MariaDbLogSource(),
                new MariaDbRestorer());
    }

    /** A managed server's server_id: fixed by its id, so every start and every restore of it agree. */
    static long serverIdOf(String id) {
        return 1000 + Math.floorMod(id.hashCode(), 2_000_000_000);
    }

    /** A managed server's replica's server_id: beside {@link #serverIdOf}'s range and below the capture's. */
    static long replicaServerIdOf(String id) {
        return 2_000_001_000L + Math.floorMod(id.hashCode(), 999_999_000);
    }

    /** The server id log capture uses as a replica: outside the range {@link #serverIdOf} gives. */
    static long captureServerIdOf(String id) {
        return 3_000_000_000L + Math.floorMod(id.hashCode(), 1_000_000_000);
    }

    static OsUser databaseUser() {
        return OsUser.forDatabase(OS_USER_IF_ROOT);
    }

    /** The server of this host, run as the OS user MariaDB runs as. */
    static MariaDbCluster cluster(ServerSpec server) {
        return new MariaDbCluster(MariaDbInstallation.locate(), databaseUser(), server.dataDir(), server.runDir(),
                server.port(), serverIdOf(server.id()));
    }

    static MariaDbBackupManifest manifest(Repository repository, String serverId, String backupId) throws IOException {
        MariaDbBackupManifest m = repository.readJson(Layout.manifest(serverId, backupId), MariaDbBackupManifest.class);
        if (m.format() > MariaDbBackupManifest.FORMAT) {
            throw new IOException("backup " + backupId + " has manifest format " + m.format()
                    + ", newer than this Hindsight reads (" + MariaDbBackupManifest.FORMAT + ")");
        }
        return m;
    }
}
