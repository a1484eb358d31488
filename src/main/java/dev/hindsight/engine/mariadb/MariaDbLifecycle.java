package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.Attachable;
import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Identity;
import dev.hindsight.engine.ServerLifecycle;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** MariaDB servers on this host: mariadb-install-db, start and stop as the mysql OS user, attaching, connection strings. */
final class MariaDbLifecycle implements ServerLifecycle {

    @Override
    public void checkInstalled() {
        MariaDbInstallation.locate();
    }

    @Override
    public Identity provision(ServerSpec server, Credentials admin, Credentials agent) {
        MariaDbCluster cluster = MariaDbEngine.cluster(server);
        cluster.provision(admin.user(), admin.password(), agent.user(), agent.password(), MariaDbEngine.START_TIMEOUT,
                server.profileOrDefaults());
        try (Connection c = cluster.connect(agent.user(), agent.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@version, @@server_id")) {
            rs.next();
            return new Identity(rs.getString(1), "server_id=" + rs.getLong(2));
        } catch (SQLException e) {
            cluster.stop(MariaDbEngine.START_TIMEOUT);
            throw new HindsightException(HindsightException.Kind.FAILED, "the new server in " + server.dataDir()
                    + " does not answer: " + e.getMessage(), "see " + MariaDbConfig.errorLog(server.runDir()), e);
        }
    }

    /**
     * The tier and bind-address are read at start: a change restarts the server. The logins'
     * hosts follow the firewall rules through the administrator's login, so a change of where the
     * server listens needs it running; they are narrowed before it listens on every address and
     * widened only after it is back on 127.0.0.1, so no moment admits a client the rules do not.
     * A stopped server can still change tier (say, one that does not start with its memory).
     */
    @Override
    public Reconfigured reconfigure(ServerSpec server, Credentials admin, Credentials agent) {
        MariaDbCluster cluster = MariaDbEngine.cluster(server);
        if (!cluster.isRunning()) {
            if (listensBeyondLoopbackNow(server) != server.profileOrDefaults().listensBeyondLoopback()) {
                throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                        "the MariaDB server in " + server.dataDir() + " is not running: its logins cannot be changed",
                        "the daemon starts a managed server again within seconds; try again then");
            }
            return cluster.writeProfile(server.profileOrDefaults()) ? Reconfigured.AT_NEXT_START
                    : Reconfigured.UNCHANGED;
        }
        boolean widens = server.profileOrDefaults().listensBeyondLoopback();
        if (widens) {
            applyFirewall(cluster, server, admin, agent);
        }
        boolean settings = cluster.writeProfile(server.profileOrDefaults());
        if (settings) {
            cluster.stop(MariaDbEngine.START_TIMEOUT);
            cluster.start(MariaDbEngine.START_TIMEOUT);
        }
        if (!widens) {
            applyFirewall(cluster, server, admin, agent);
        }
        return settings ? Reconfigured.RESTARTED : Reconfigured.RELOADED;
    }

    private static boolean listensBeyondLoopbackNow(ServerSpec server) {
        try {
            return MariaDbProfileSettings.listensBeyondLoopback(server.runDir());
        } catch (java.io.IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED, "could not read the server's settings in "
                    + server.runDir() + ": " + e.getMessage(), "check that the directory is readable", e);
        }
    }

    static void applyFirewall(MariaDbCluster cluster, ServerSpec server, Credentials admin, Credentials agent) {
        try (Connection c = cluster.connect(admin.user(), admin.password())) {
            MariaDbFirewall.apply(c, admin.user(), agent.user(), server.profileOrDefaults());
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not apply the firewall rules to the logins of the server in " + server.dataDir() + ": "
                            + e.getMessage(),
                    "Hindsight changes the logins' hosts as the administrator " + admin.user()
                            + "; if its password was changed on the server, change it back or update the rules again");
        }
    }

    /**
     * FLUSH BINARY LOGS closes the file being written (the agent has RELOAD); everything
     * committed before it is then before the next file's start. Without it, before the open
     * file's end as it was.
     */
    @Override
    public BinlogPosition endLog(ServerSpec server, Credentials agent) {
        try (Connection c = MariaDbEngine.cluster(server).connect(agent.user(), agent.password());
             Statement s = c.createStatement()) {
            // the file before the flush: another rotation in between (a backup's) must not make us
            // wait for a file that nobody closes
            String file;
            long end;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                if (!rs.next()) {
                    throw new HindsightException(HindsightException.Kind.FAILED, "MariaDB of " + server.name()
                            + " writes no binary log", "the binary log is what restores to a point; turn it on");
                }
                file = rs.getString(1);
                end = rs.getLong(2);
            }
            try {
                s.execute("FLUSH BINARY LOGS");
                return new BinlogPosition(BinlogPosition.nextFile(file), 0, null);
            } catch (SQLException noReload) {
                return new BinlogPosition(file, end, null);
            }
        } catch (SQLException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "cannot reach MariaDB of "
                    + server.name() + " to end its binary log: " + e.getMessage(),
                    "start the server (the daemon restarts a managed one within seconds), or delete with --force", e);
        }
    }

    @Override
    public void createStandby(ServerSpec primary, ServerSpec standby, Credentials agent) {
        MariaDbReplicaProvisioning.create(primary, standby, agent, standby.profileOrDefaults());
    }

    @Override
    public void removeStandby(ServerSpec primary, ServerSpec standby, Credentials agent) {
        MariaDbReplicaProvisioning.remove(standby);
    }

    @Override
    public Attachable checkAttachable(String connectionUri, Path dataDir) {
        return MariaDbAttachCheck.check(connectionUri, dataDir);
    }

    @Override
    public void detach(ServerSpec server, ServerRecord record) {
        // nothing was made on the server: a binary log dump leaves no state behind
    }

    @Override
    public void start(ServerSpec server) {
        MariaDbEngine.cluster(server).start(MariaDbEngine.START_TIMEOUT);
    }

    @Override
    public void stop(ServerSpec server) {
        MariaDbEngine.cluster(server).stop(MariaDbEngine.START_TIMEOUT);
    }

    @Override
    public boolean isRunning(ServerSpec server) {
        return MariaDbEngine.cluster(server).isRunning();
    }

    @Override
    public String connectionString(ServerSpec server, Credentials login, ConnectionFormat format) {
        String user = ConnectionFormat.uriEncode(login.user());
        String password = ConnectionFormat.uriEncode(login.password());
        return switch (format) {
            case URI -> "mysql://" + user + ":" + password + "@127.0.0.1:" + server.port() + "/";
            case JDBC -> "jdbc:mariadb://127.0.0.1:" + server.port() + "/?user=" + user + "&password=" + password;
            case CLI -> "mariadb -h 127.0.0.1 -P " + server.port() + " -u " + ConnectionFormat.shellQuote(login.user())
                    + " --password=" + ConnectionFormat.shellQuote(login.password());
        };
    }
}
