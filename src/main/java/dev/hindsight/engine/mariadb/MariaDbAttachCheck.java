package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.AttachShortfalls;
import dev.hindsight.engine.Attachable;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Identity;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The pre-flight check before attaching a MariaDB server Hindsight did not create: binary
 * logging in row format, a server id, the login's privileges, a readable data directory. Every
 * shortfall is reported with what to change; nothing on the server is changed.
 */
final class MariaDbAttachCheck {
    static final List<String> PRIVILEGES = List.of("RELOAD", "PROCESS", "LOCK TABLES", "BINLOG MONITOR",
            "REPLICATION SLAVE", "SLAVE MONITOR");
    private static final String URI_FORM = "mysql://USER:PASSWORD@127.0.0.1:PORT/";

    private MariaDbAttachCheck() {
    }

    static Attachable check(String connectionUri, Path dataDir) {
        URI uri = parse(connectionUri);
        String[] userInfo = uri.getRawUserInfo() == null ? new String[0] : uri.getRawUserInfo().split(":", 2);
        if (userInfo.length != 2) {
            throw HindsightException.invalid("the connection URI has no user and password", "give " + URI_FORM);
        }
        // '+' is a plus in URI userinfo, not the space form decoding makes of it
        String user = URLDecoder.decode(userInfo[0].replace("+", "%2B"), StandardCharsets.UTF_8);
        String password = URLDecoder.decode(userInfo[1].replace("+", "%2B"), StandardCharsets.UTF_8);
        int port = uri.getPort() > 0 ? uri.getPort() : 3306;
        if (!List.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost())) {
            throw HindsightException.invalid("the server must be on this host, reached at 127.0.0.1, not "
                    + uri.getHost(), "give " + URI_FORM + " (mariadb-backup reads its data directory here)");
        }
        List<String> problems = new ArrayList<>();
        String version;
        long serverId;
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + uri.getHost() + ":" + port + "/", user,
                password); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@log_bin, @@binlog_format, @@server_id, @@datadir, @@version")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    problems.add("binary logging is off: add log_bin=binlog under [mariadbd] and restart the server");
                }
                if (!"ROW".equalsIgnoreCase(rs.getString(2))) {
                    problems.add("binlog_format is " + rs.getString(2) + ": set binlog_format=ROW (replay needs row"
                            + " events to reproduce the data exactly)");
                }
                serverId = rs.getLong(3);
                if (serverId == 0) {
                    problems.add("server_id is 0: set server_id to a number unique among your servers");
                }
                if (!sameDirectory(rs.getString(4), dataDir)) {
                    problems.add("the server's data directory is " + rs.getString(4) + ", not " + dataDir
                            + ": give --data-dir " + rs.getString(4));
                }
                version = rs.getString(5);
            }
            Set<String> granted = globalPrivileges(s);
            List<String> missing = PRIVILEGES.stream().filter(p -> !granted.contains(p)).toList();
            if (!missing.isEmpty()) {
                problems.add("user " + user + " lacks " + String.join(", ", missing) + ": GRANT "
                        + String.join(", ", PRIVILEGES) + " ON *.* TO the user");
            }
        } catch (SQLException e) {
            throw HindsightException.invalid("cannot connect to " + uri.getHost() + ":" + port + " as " + user + ": "
                    + e.getMessage(), "check the connection URI, and that the user may log in from 127.0.0.1");
        }
        if (!Files.isReadable(dataDir.resolve("ibdata1")) || !Files.isReadable(dataDir.resolve("mysql"))) {
            problems.add("Hindsight cannot read the data directory " + dataDir
                    + " (mariadb-backup copies it): run Hindsight as root or as the server's OS user");
        }
        AttachShortfalls.failIfAny(uri.getHost(), port, problems);
        return new Attachable(new Credentials(user, password), port,
                new Identity(version, "server_id=" + serverId));
    }

    private static Set<String> globalPrivileges(Statement s) throws SQLException {
        Set<String> granted = new HashSet<>();
        try (ResultSet rs = s.executeQuery("SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES")) {
            while (rs.next()) {
                granted.add(rs.getString(1).toUpperCase(Locale.ROOT));
            }
        }
        return granted;
    }

    private static URI parse(String text) {
        try {
            URI uri = URI.create(text);
            if (!"mysql".equals(uri.getScheme()) && !"mariadb".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw HindsightException.invalid("cannot read the connection URI '" + text + "'", "give " + URI_FORM);
        }
    }

    private static boolean sameDirectory(String serverSays, Path given) {
        try {
            return Path.of(serverSays).toRealPath().equals(given.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
