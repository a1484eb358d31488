package dev.hindsight.plan;

/**
 * A point in a server's transaction log: a PostgreSQL LSN, a MariaDB binary log file and offset
 * (with the GTID position there, when known). Each engine's positions are ordered among
 * themselves ({@link Comparable} of their own type); positions of different engines are never
 * compared. The catalog keeps the {@link #text()} form, which the engine's {@link LogChain}
 * reads back.
 */
public interface Position {
    /** The form the catalog keeps and users read: {@code 0/3000028}, {@code binlog.000003:1234}. */
    String text();
}
