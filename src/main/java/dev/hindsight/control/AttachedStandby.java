package dev.hindsight.control;

import dev.hindsight.repo.catalog.Standby;
import dev.hindsight.util.HindsightException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The standby an attached server names for its backups ({@code --standby-connection HOST:PORT
 * --standby-data-dir DIR}), checked before anything is recorded: both given or neither, a port,
 * a PostgreSQL standby's or a MariaDB server's data directory on this host. Whether it runs, is
 * a standby (replica) of the server and keeps up is checked at each backup, which falls back to
 * the server itself with a note when it does not.
 */
final class AttachedStandby {
    private AttachedStandby() {
    }

    /** The standby, or null when none was named. */
    static Standby parse(String engine, String connection, String dataDir) {
        if (connection == null && dataDir == null) {
            return null;
        }
        if (connection == null || dataDir == null) {
            throw HindsightException.invalid("a standby needs both --standby-connection and --standby-data-dir",
                    "give HOST:PORT of the standby and its data directory, or neither");
        }
        String address = connection.replaceFirst("^(postgres(ql)?|mysql|mariadb)://([^@/]*@)?", "")
                .replaceFirst("/.*$", "");
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon <= 0 || port < 1 || port > 65535) {
            throw HindsightException.invalid("cannot read the standby's address '" + connection + "'",
                    "give HOST:PORT, e.g. 127.0.0.1:5433 (it is reached with the server's own login)");
        }
        Path dir = Path.of(dataDir).toAbsolutePath().normalize();
        if ("postgres".equals(engine) && (!Files.isRegularFile(dir.resolve("PG_VERSION"))
                || !Files.exists(dir.resolve("standby.signal")))) {
            throw HindsightException.invalid(dir + " is not the data directory of a PostgreSQL standby (no PG_VERSION"
                    + " or standby.signal)", "give the standby's own data directory, on this host");
        }
        if ("mariadb".equals(engine) && (!Files.isDirectory(dir.resolve("mysql"))
                || !Files.isRegularFile(dir.resolve("ibdata1")))) {
            throw HindsightException.invalid(dir + " is not the data directory of a MariaDB server (no mysql/ or"
                    + " ibdata1)", "give the replica's own data directory, on this host");
        }
        return Standby.recorded(address.substring(0, colon), port, dir.toString(), false);
    }
}
