package dev.hindsight.engine.mariadb;

import dev.hindsight.util.HindsightException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The logins of a managed MariaDB server: the user's administrator, Hindsight's agent with what
 * backups and binlog capture need and nothing else, and no password-less root over TCP (root
 * keeps only the local socket, for the OS root user, as Debian sets it up).
 */
final class MariaDbLogins {
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_]{0,31}");
    /**
     * mariadb-backup: RELOAD (BACKUP STAGE, FLUSH), PROCESS, LOCK TABLES, BINLOG MONITOR (the
     * binlog position); binlog capture: REPLICATION SLAVE; SLAVE MONITOR to read replica state
     * on a server that is itself a replica.
     */
    static final String AGENT_PRIVILEGES = "RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, REPLICATION SLAVE, SLAVE MONITOR";

    private MariaDbLogins() {
    }

    static String requireUserName(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw HindsightException.invalid("not a valid MariaDB user name: " + name,
                    "use 1-32 lower-case letters, digits and underscores, not starting with a digit");
        }
        return name;
    }

    /** A string literal for any text, whatever the server's sql_mode (both escapes doubled). */
    static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** Sets up the logins of a server just created (connected as its password-less root over TCP). */
    static void provision(Connection root, String adminUser, String adminPassword, String agentUser,
                          String agentPassword) throws SQLException {
        requireUserName(adminUser);
        requireUserName(agentUser);
        try (Statement s = root.createStatement()) {
            s.execute("CREATE USER " + account(adminUser) + " IDENTIFIED BY " + literal(adminPassword));
            s.execute("GRANT ALL PRIVILEGES ON *.* TO " + account(adminUser) + " WITH GRANT OPTION");
            s.execute("CREATE USER " + account(agentUser) + " IDENTIFIED BY " + literal(agentPassword));
            s.execute("GRANT " + AGENT_PRIVILEGES + " ON *.* TO " + account(agentUser));
            List<String> strays = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT User, Host FROM mysql.user WHERE (User = 'root' AND Host <> 'localhost')"
                    + " OR User = ''")) {
                while (rs.next()) {
                    strays.add(literal(rs.getString(1)) + "@" + literal(rs.getString(2)));
                }
            }
            s.execute("ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket");
            // last: this very session is one of them
            for (String stray : strays) {
                s.execute("DROP USER " + stray);
            }
        }
    }

    /** Logins for any client address: the server listens on 127.0.0.1 alone. */
    static String account(String user) {
        return literal(user) + "@'%'";
    }
}
