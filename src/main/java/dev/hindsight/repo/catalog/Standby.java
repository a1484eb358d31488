package dev.hindsight.repo.catalog;

/**
 * A server's standby (PostgreSQL streaming standby, MariaDB replica) on the same host, which full
 * and differential backups are taken from so that the primary keeps its resources. It is reached
 * as the server's agent login (a physical standby, or a replica made from a backup, has the
 * primary's logins), its files read where they lie.
 *
 * @param host    where it listens (127.0.0.1 for a managed one)
 * @param port    its port
 * @param dataDir its data directory, read by the backup as the primary's would be
 * @param managed made by {@code server replica create}: Hindsight starts, stops and removes it
 * @param id      names this standby for as long as it is recorded (null in records written before
 *                it had one): a MariaDB replica's InnoDB pages carry its own log sequence numbers,
 *                so a differential must come from the very replica its full came from
 */
public record Standby(String host, int port, String dataDir, boolean managed, String id) {
    /** How far the standby's replay may lag the primary's log before backups fall back to the primary. */
    public static final long MAX_LAG_BYTES = 64L * 1024 * 1024;

    /** A standby recorded now, with a new id. */
    public static Standby recorded(String host, int port, String dataDir, boolean managed) {
        return new Standby(host, port, dataDir, managed, java.util.UUID.randomUUID().toString());
    }
}
