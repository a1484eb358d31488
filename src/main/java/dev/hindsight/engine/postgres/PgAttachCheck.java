package dev.hindsight.engine.postgres;

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
import java.util.List;
import java.util.Properties;

/**
 * The pre-flight check before attaching a PostgreSQL server Hindsight did not create: everything
 * continuous backup needs is verified, and every shortfall is reported with what to change.
 * It only reads; it changes nothing on the server.
 */
final class PgAttachCheck {

    private PgAttachCheck() {
    }

    static Attachable check(String connectionUri, Path dataDir) {
        URI uri = parse(connectionUri);
        String[] userInfo = uri.getRawUserInfo() == null ? new String[0] : uri.getRawUserInfo().split(":", 2);
        if (userInfo.length != 2) {
            throw HindsightException.invalid("the connection URI has no user and password",
                    "give postgresql://USER:PASSWORD@127.0.0.1:PORT/postgres");
        }
        String user = URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8);
        String password = URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8);
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        String url = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database;
        List<String> problems = new ArrayList<>();
        String version;
        String systemIdentifier;
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            String walLevel = one(s, "SHOW wal_level");
            if (!walLevel.equals("replica") && !walLevel.equals("logical")) {
                problems.add("wal_level is " + walLevel + ": set wal_level = replica in postgresql.conf and restart");
            }
            int senders = Integer.parseInt(one(s, "SHOW max_wal_senders"));
            if (senders < 2) {
                problems.add("max_wal_senders is " + senders + ": set it to at least 2 (default 10) and restart");
            }
            int slots = Integer.parseInt(one(s, "SHOW max_replication_slots"));
            int used = Integer.parseInt(one(s, "SELECT count(*) FROM pg_replication_slots"));
            if (slots - used < 1) {
                problems.add("no free replication slot (" + used + " of max_replication_slots = " + slots
                        + " used): raise max_replication_slots and restart");
            }
            if (!Boolean.parseBoolean(one(s, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user"))) {
                problems.add("role " + user + " may not replicate: ALTER ROLE " + user + " REPLICATION");
            }
            if (!Boolean.parseBoolean(one(s, "SELECT (has_function_privilege('pg_backup_start(text, boolean)', 'EXECUTE')"
                    + " AND has_function_privilege('pg_backup_stop(boolean)', 'EXECUTE'))::text"))) {
                problems.add("role " + user + " may not take backups: GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean), "
                        + "pg_backup_stop(boolean) TO " + user);
            }
            String serverDataDir = one(s, "SHOW data_directory");
            if (!sameDirectory(serverDataDir, dataDir)) {
                problems.add("the server's data directory is " + serverDataDir + ", not " + dataDir
                        + ": give --data-dir " + serverDataDir);
            }
            version = one(s, "SHOW server_version");
            systemIdentifier = Long.toUnsignedString(PgCluster.systemIdentifier(c));
            int major = c.getMetaData().getDatabaseMajorVersion();
            int installed = PgInstallation.locate().majorVersion();
            if (major != installed) {
                problems.add("the server runs PostgreSQL " + major + " but this host has PostgreSQL " + installed
                        + " binaries, which restores need: install postgresql-" + major);
            }
        } catch (SQLException e) {
            throw HindsightException.invalid("cannot connect to " + uri.getHost() + ":" + port + " as " + user + ": "
                    + e.getMessage(), "check the connection URI and that pg_hba.conf lets this user in");
        }
        if (!Files.isReadable(dataDir.resolve("PG_VERSION")) || !Files.isReadable(dataDir.resolve("global"))) {
            problems.add("Hindsight cannot read the data directory " + dataDir
                    + ": run Hindsight as root or as the server's OS user");
        }
        Properties replication = new Properties();
        replication.setProperty("user", user);
        replication.setProperty("password", password);
        replication.setProperty("replication", "true");
        replication.setProperty("assumeMinServerVersion", "15");
        replication.setProperty("preferQueryMode", "simple");
        try (Connection r = DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + port + "/postgres",
                replication); Statement s = r.createStatement()) {
            s.execute("IDENTIFY_SYSTEM");
        } catch (SQLException e) {
            problems.add("a replication connection as " + user + " is refused (" + e.getMessage().lines().findFirst()
                    .orElse("") + "): add `host replication " + user + " 127.0.0.1/32 scram-sha-256` to pg_hba.conf "
                    + "and reload");
        }
        AttachShortfalls.failIfAny(uri.getHost(), port, problems);
        return new Attachable(new Credentials(user, password), port,
                new Identity(version, systemIdentifier));
    }

    private static URI parse(String text) {
        try {
            URI uri = URI.create(text);
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw HindsightException.invalid("cannot read the connection URI '" + text + "'",
                    "give postgresql://USER:PASSWORD@127.0.0.1:PORT/postgres");
        }
    }

    private static boolean sameDirectory(String serverSays, Path given) {
        try {
            return Path.of(serverSays).toRealPath().equals(given.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
