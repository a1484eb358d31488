package dev.hindsight.engine.mariadb;

import dev.hindsight.repo.catalog.Standby;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A MariaDB server's replica as a backup source: reachable as the agent login, replicating from
 * this server alone with both its threads running, not lagging beyond
 * {@link Standby#MAX_LAG_BYTES} of the server's binary log, and its data directory readable
 * here. Anything else is a reason to take the backup from the server instead.
 */
final class MariaDbReplica {
    private MariaDbReplica() {
    }

    /**
     * Whether the replica can serve a backup now.
     *
     * @param unusable why not, or null if it can
     * @param executed how far it has applied the server's log (a transaction boundary), if it can
     * @param byGtid   whether it replicates by GTID (its backup names a GTID position, not a place)
     * @param lsn      its InnoDB log sequence number now
     */
    record Check(String unusable, BinlogPosition executed, boolean byGtid, long lsn) {
        static Check no(String why) {
            return new Check(why, null, false, 0);
        }
    }

    /** Replication filters: a replica with any of them holds less than the server. */
    private static final String[] FILTERS = {"Replicate_Do_DB", "Replicate_Ignore_DB", "Replicate_Do_Table",
        "Replicate_Ignore_Table", "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table",
        "Replicate_Ignore_Server_Ids", "Replicate_Do_Domain_Ids", "Replicate_Ignore_Domain_Ids"};

    /** The replica as mariadb-backup reaches it: the server's agent login, at the replica's address. */
    record Login(Standby replica, String user, String password) implements BinlogCapture.Source {
        @Override
        public String host() {
            return replica.host();
        }

        @Override
        public int port() {
            return replica.port();
        }

        @Override
        public Connection connect() throws SQLException {
            return MariaDbReplica.connect(replica, user, password);
        }

        @Override
        public String toString() {
            return "MariaDbReplica[" + user + "@" + replica.host() + ":" + replica.port() + "]"; // never the password
        }
    }

    static Connection connect(Standby replica, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection("jdbc:mariadb://" + replica.host() + ":" + replica.port() + "/", props);
    }

    static Check check(Standby replica, Connection primary, Connection connection) throws SQLException {
        if (!Files.isDirectory(Path.of(replica.dataDir(), "mysql"))) {
            return Check.no("its data directory " + replica.dataDir() + " is not readable here");
        }
        String dataDir = variable(connection, "@@datadir");
        if (!sameDirectory(dataDir, replica.dataDir())) {
            return Check.no("runs on the data directory " + dataDir + ", not on " + replica.dataDir());
        }
        long serverId = serverId(primary);
        if (serverId(connection) == serverId) {
            return Check.no("is the server itself (server_id " + serverId + ")");
        }
        Map<String, String> status = null;
        int sources = 0;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW ALL SLAVES STATUS")) {
            while (rs.next()) {
                sources++;
                status = new LinkedHashMap<>();
                for (String column : new String[]{"Slave_IO_Running", "Slave_SQL_Running", "Relay_Master_Log_File",
                        "Exec_Master_Log_Pos", "Master_Server_Id", "Using_Gtid", "Last_IO_Error", "Last_SQL_Error",
                        "Gtid_Slave_Pos"}) {
                    status.put(column, rs.getString(column));
                }
                for (String filter : FILTERS) {
                    String value = rs.getString(filter);
                    if (value != null && !value.isBlank()) {
                        status.put("filter", filter + " " + value);
                    }
                }
            }
        }
        if (sources == 0) {
            return Check.no("is not a replica (SHOW SLAVE STATUS is empty)");
        }
        if (sources > 1) {
            return Check.no("replicates from " + sources + " sources");
        }
        if (!Long.toString(serverId).equals(status.get("Master_Server_Id"))) {
            return Check.no("replicates from another server (server_id " + status.get("Master_Server_Id")
                    + "; this server's is " + serverId + ")");
        }
        if (status.containsKey("filter")) {
            return Check.no("replicates only part of the server (" + status.get("filter") + ")");
        }
        boolean byGtid = !"No".equalsIgnoreCase(status.get("Using_Gtid"));
        String slavePos = status.get("Gtid_Slave_Pos");
        if (byGtid && slavePos != null && slavePos.contains(",")
                && Long.parseLong(variable(connection, "@@slave_parallel_threads")) > 0) {
            return Check.no("applies several GTID domains in parallel (" + slavePos + "): a backup of it has no"
                    + " single place in the server's binary log");
        }
        if (!"Yes".equals(status.get("Slave_SQL_Running"))) {
            return Check.no("does not apply the log (Slave_SQL_Running " + status.get("Slave_SQL_Running")
                    + errorOf(status.get("Last_SQL_Error")) + ")");
        }
        if (!"Yes".equals(status.get("Slave_IO_Running"))) {
            return Check.no("does not receive the log (Slave_IO_Running " + status.get("Slave_IO_Running")
                    + errorOf(status.get("Last_IO_Error")) + ")");
        }
        BinlogPosition executed = new BinlogPosition(status.get("Relay_Master_Log_File"),
                Long.parseLong(status.get("Exec_Master_Log_Pos")));
        Long lag = lagBytes(primary, executed);
        if (lag == null) {
            return Check.no("applies binary log " + executed.file() + ", which the server no longer has");
        }
        if (lag > Standby.MAX_LAG_BYTES) {
            return Check.no("applies " + (lag >> 20) + " MiB behind the server (more than "
                    + (Standby.MAX_LAG_BYTES >> 20) + " MiB)");
        }
        return new Check(null, executed, byGtid, Long.parseLong(statusValue(connection, "Innodb_lsn_current")));
    }

    private static String errorOf(String error) {
        return error == null || error.isBlank() ? "" : ": " + error;
    }

    private static String variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String statusValue(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE '" + name
                + "'")) {
            if (!rs.next()) {
                throw new SQLException("the server reports no status " + name);
            }
            return rs.getString(2);
        }
    }

    private static boolean sameDirectory(String reported, String recorded) {
        try {
            return Path.of(reported).toRealPath().equals(Path.of(recorded).toRealPath());
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static long serverId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Bytes of the server's binary log after {@code executed}, or null if its file is gone. */
    private static Long lagBytes(Connection primary, BinlogPosition executed) throws SQLException {
        long lag = 0;
        boolean found = false;
        try (Statement s = primary.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                String name = rs.getString(1);
                long size = rs.getLong(2);
                if (name.equals(executed.file())) {
                    found = true;
                    lag += Math.max(0, size - executed.offset());
                } else if (found) {
                    lag += size;
                }
            }
        }
        return found ? lag : null;
    }
}
