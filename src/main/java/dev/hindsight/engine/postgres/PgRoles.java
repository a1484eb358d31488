package dev.hindsight.engine.postgres;

import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The roles Hindsight creates in a managed server. */
final class PgRoles {
    private PgRoles() {
    }

    /**
     * Creates the agent role with least privilege: it may log in and stream WAL (REPLICATION),
     * read monitoring views (pg_monitor) and run exactly the four functions backups need.
     * It is not a superuser and owns nothing.
     */
    static void createAgent(Connection admin, String agentUser, String agentPassword) throws SQLException {
        String role = "\"" + PgNames.requireRoleName(agentUser) + "\"";
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN REPLICATION IN ROLE pg_monitor");
            // the SCRAM verifier is computed here, so the password never appears in the server's log
            admin.unwrap(PGConnection.class).alterUserPassword(agentUser, agentPassword.toCharArray(), "scram-sha-256");
            st.execute("GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean) TO " + role);
            st.execute("GRANT EXECUTE ON FUNCTION pg_backup_stop(boolean) TO " + role);
            st.execute("GRANT EXECUTE ON FUNCTION pg_switch_wal() TO " + role);
            st.execute("GRANT EXECUTE ON FUNCTION pg_create_restore_point(text) TO " + role);
        }
    }
}
