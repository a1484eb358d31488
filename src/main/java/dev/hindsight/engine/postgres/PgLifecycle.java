package dev.hindsight.engine.postgres;

import dev.hindsight.engine.Attachable;
import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Identity;
import dev.hindsight.engine.ServerLifecycle;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** PostgreSQL clusters on this host: initdb, start and stop as the postgres OS user, attaching, connection strings. */
final class PgLifecycle implements ServerLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PgLifecycle.class);

    @Override
    public void checkInstalled() {
        PgInstallation.locate();
    }

    @Override
    public Identity provision(ServerSpec server, Credentials admin, Credentials agent) {
        PgCluster cluster = PostgresEngine.cluster(server);
        cluster.provision(admin.user(), admin.password(), agent.user(), agent.password(), server.profileOrDefaults());
        try (Connection c = cluster.connect(agent.user(), agent.password(), "postgres")) {
            return new Identity(c.getMetaData().getDatabaseProductVersion(),
                    Long.toUnsignedString(PgCluster.systemIdentifier(c)));
        } catch (SQLException e) {
            cluster.stop();
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "the new server in " + server.dataDir() + " does not answer: " + e.getMessage(),
                    "see " + cluster.logFile(), e);
        }
    }

    /**
     * hindsight.conf holds the tier and listen_addresses, which PostgreSQL reads only at start:
     * a change restarts the server; pg_hba.conf alone is re-read by a reload.
     */
    @Override
    public Reconfigured reconfigure(ServerSpec server, Credentials admin, Credentials agent) {
        PgCluster cluster = PostgresEngine.cluster(server);
        boolean settings = cluster.writeManagedConfig(server.port(), server.profileOrDefaults());
        boolean access = cluster.writeHba(agent.user(), server.profileOrDefaults());
        if (!cluster.isRunning()) {
            return settings || access ? Reconfigured.AT_NEXT_START : Reconfigured.UNCHANGED;
        }
        if (settings) {
            cluster.stop();
            cluster.start(PostgresEngine.START_TIMEOUT);
            return Reconfigured.RESTARTED;
        }
        if (access) {
            cluster.reload();
            return Reconfigured.RELOADED;
        }
        return Reconfigured.UNCHANGED;
    }

    /** The agent may run pg_switch_wal(); an attached server's own login may not, and streaming needs no switch. */
    @Override
    public Lsn endLog(ServerSpec server, Credentials agent) {
        try (Connection c = PostgresEngine.cluster(server).connect(agent.user(), agent.password(), "postgres")) {
            try {
                return lsn(c, "SELECT pg_switch_wal()");
            } catch (SQLException noSwitch) {
                log.info("Server {}: no WAL switch for the final log backup ({}); waiting for the current end",
                        server.name(), noSwitch.getMessage());
                return lsn(c, "SELECT pg_current_wal_lsn()");
            }
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "cannot reach PostgreSQL of "
                    + server.name() + " to end its log: " + e.getMessage(),
                    "start the server (the daemon restarts a managed one within seconds), or delete with --force", e);
        }
    }

    private static Lsn lsn(Connection c, String query) throws SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    @Override
    public Attachable checkAttachable(String connectionUri, Path dataDir) {
        return PgAttachCheck.check(connectionUri, dataDir);
    }

    @Override
    public void detach(ServerSpec server, ServerRecord record) {
        try (Connection c = PostgresEngine.cluster(server).connect(record.agentUser(), record.agentPassword(),
                "postgres");
             PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) "
                     + "FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            ps.setString(1, PgLogCapture.slotName(record));
            ps.execute();
        } catch (SQLException e) {
            log.warn("Could not drop the replication slot of {} on its server: {}; drop it by hand or it keeps WAL",
                    record.name(), e.getMessage());
        }
    }

    @Override
    public void createStandby(ServerSpec primary, ServerSpec standby, Credentials agent) {
        PgStandbyProvisioning.create(primary, standby, agent, standby.profileOrDefaults());
    }

    @Override
    public void removeStandby(ServerSpec primary, ServerSpec standby, Credentials agent) {
        PgStandbyProvisioning.remove(primary, standby, agent);
    }

    @Override
    public void start(ServerSpec server) {
        PostgresEngine.cluster(server).start(PostgresEngine.START_TIMEOUT);
    }

    @Override
    public void stop(ServerSpec server) {
        PostgresEngine.cluster(server).stop();
    }

    @Override
    public boolean isRunning(ServerSpec server) {
        return PostgresEngine.cluster(server).isRunning();
    }

    @Override
    public String connectionString(ServerSpec server, Credentials login, ConnectionFormat format) {
        String uri = "postgresql://" + ConnectionFormat.uriEncode(login.user()) + ":"
                + ConnectionFormat.uriEncode(login.password()) + "@127.0.0.1:" + server.port() + "/postgres";
        return switch (format) {
            case URI -> uri;
            case JDBC -> "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user="
                    + ConnectionFormat.uriEncode(login.user()) + "&password=" + ConnectionFormat.uriEncode(login.password());
            case CLI -> "psql " + ConnectionFormat.shellQuote(uri);
        };
    }
}
