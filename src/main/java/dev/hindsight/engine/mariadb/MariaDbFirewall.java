package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.ServerProfile;
import dev.hindsight.util.Ipv4Range;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * MariaDB's own address check for firewall rules: the host part of its logins. Without rules the
 * server listens on 127.0.0.1 only and the logins Hindsight made are for any host ('%'). With
 * rules that reach beyond 127.0.0.1 the administrator gets one login per allowed CIDR block
 * ({@code 'admin'@'10.0.0.0/255.255.255.0'}) plus the local ones, all with the same password and
 * grants, and the agent keeps only the local ones; the '%' logins go, since they would admit any
 * address. Logins the user made with a host of their own are theirs and left alone.
 */
final class MariaDbFirewall {
    private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1");
    private static final String ANY = "%";

    private MariaDbFirewall() {
    }

    /** Hosts each managed login should have for the profile. */
    static Set<String> adminHosts(ServerProfile profile) {
        if (!profile.listensBeyondLoopback()) {
            return Set.of(ANY);
        }
        Set<String> hosts = new LinkedHashSet<>(LOCAL);
        for (Ipv4Range.Block block : profile.allowedBlocks()) {
            hosts.add(Ipv4Range.format(block.address()) + "/" + block.netmask());
        }
        return hosts;
    }

    static Set<String> agentHosts(ServerProfile profile) {
        return profile.listensBeyondLoopback() ? LOCAL : Set.of(ANY);
    }

    /** Brings the managed logins' hosts to what the profile wants; connected as the administrator. */
    static void apply(Connection admin, String adminUser, String agentUser, ServerProfile profile) throws SQLException {
        sync(admin, adminUser, adminHosts(profile));
        sync(admin, agentUser, agentHosts(profile));
    }

    private static void sync(Connection c, String user, Set<String> wanted) throws SQLException {
        List<String> existing = hosts(c, user);
        if (existing.isEmpty()) {
            throw new SQLException("the login " + user + " does not exist on the server");
        }
        String template = existing.contains(ANY) ? ANY : existing.contains("127.0.0.1") ? "127.0.0.1" : existing.get(0);
        List<String> grants = grants(c, user, template);
        try (Statement s = c.createStatement()) {
            for (String host : wanted) {
                if (!existing.contains(host)) {
                    for (String grant : grants) {
                        s.execute(grant.replace(account(user, template), account(user, host)));
                    }
                }
            }
            for (String host : existing) {
                if (!wanted.contains(host) && managed(host)) {
                    s.execute("DROP USER " + account(user, host));
                }
            }
        }
    }

    /** Hosts Hindsight makes and removes: any, the local ones, and blocks in address/netmask form. */
    static boolean managed(String host) {
        return host.equals(ANY) || LOCAL.contains(host) || host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+\\.\\d+\\.\\d+\\.\\d+");
    }

    private static List<String> hosts(Connection c, String user) throws SQLException {
        List<String> hosts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT Host FROM mysql.user WHERE User = ? ORDER BY Host")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
        }
        return hosts;
    }

    /** SHOW GRANTS gives statements that recreate the login, password hash included, for another host. */
    private static List<String> grants(Connection c, String user, String host) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GRANTS FOR " + MariaDbLogins.literal(user) + "@"
                     + MariaDbLogins.literal(host))) {
            while (rs.next()) {
                grants.add(rs.getString(1));
            }
        }
        return grants;
    }

    /** The account as SHOW GRANTS writes it. */
    private static String account(String user, String host) {
        return "`" + user.replace("`", "``") + "`@`" + host.replace("`", "``") + "`";
    }
}
