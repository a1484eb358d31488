package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.EngineProvider;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.util.OsUser;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** PostgreSQL behind the {@link Engine} interface: managed clusters on this host. */
public final class PostgresEngine implements EngineProvider {
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String OS_USER_IF_ROOT = "postgres";

    @Override
    public Engine engine() {
        // the summarizer of each server whose WAL this process captures: a differential waits for it to catch up
        Map<String, PgWalSummarizer> summarizers = new ConcurrentHashMap<>();
        return new Engine("postgres", new PgLifecycle(), new PgSnapshots(summarizers), new PgLogSource(summarizers),
                new PgRestorer());
    }

    /** The cluster of a server this host runs, as the OS user PostgreSQL runs as. */
    static PgCluster cluster(ServerSpec server) {
        return new PgCluster(PgInstallation.locate(), databaseUser(), server.dataDir(), server.runDir(), server.port());
    }

    static OsUser databaseUser() {
        return OsUser.forDatabase(OS_USER_IF_ROOT);
    }
}
