package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogSource;
import dev.hindsight.engine.Restorer;
import dev.hindsight.engine.ServerLifecycle;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.engine.SnapshotSource;
import dev.hindsight.util.OsUser;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** PostgreSQL behind the {@link Engine} interface: managed clusters on this host. */
public final class PostgresEngine implements Engine {
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String OS_USER_IF_ROOT = "postgres";

    private final ServerLifecycle lifecycle = new PgLifecycle();
    private final SnapshotSource snapshots;
    private final LogSource logs;
    private final Restorer restorer = new PgRestorer();

    public PostgresEngine() {
        // the summarizer of each server whose WAL this process captures: a differential waits for it to catch up
        Map<String, PgWalSummarizer> summarizers = new ConcurrentHashMap<>();
        snapshots = new PgSnapshots(summarizers);
        logs = new PgLogSource(summarizers);
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public ServerLifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    public SnapshotSource snapshots() {
        return snapshots;
    }

    @Override
    public LogSource logs() {
        return logs;
    }

    @Override
    public Restorer restorer() {
        return restorer;
    }

    /** The cluster of a server this host runs, as the OS user PostgreSQL runs as. */
    static PgCluster cluster(ServerSpec server) {
        return new PgCluster(PgInstallation.locate(), databaseUser(), server.dataDir(), server.runDir(), server.port());
    }

    static OsUser databaseUser() {
        return OsUser.forDatabase(OS_USER_IF_ROOT);
    }
}
