package dev.hindsight.repo.catalog;

/**
 * A streaming standby of a PostgreSQL server on the same host, which full and differential
 * backups are taken from so that the primary keeps its resources. It is reached as the server's
 * agent login (a physical standby has the primary's roles), its files read where they lie.
 *
 * @param host    where it listens (127.0.0.1 for a managed one)
 * @param port    its port
 * @param dataDir its data directory, read by the backup as the primary's would be
 * @param managed made by {@code server replica create}: Hindsight starts, stops and removes it
 */
public record Standby(String host, int port, String dataDir, boolean managed) {
    /** How far the standby's replay may lag the primary's WAL before backups fall back to the primary. */
    public static final long MAX_LAG_BYTES = 64L * 1024 * 1024;
}
