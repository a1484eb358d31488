package dev.hindsight.engine;

/**
 * A database engine, in the four parts everything above this package uses alike for PostgreSQL
 * and MariaDB: the server's lifecycle on this host, a snapshot source (full and differential
 * backups), a log source (continuous capture and the log the repository holds), and a restorer.
 * What the planners decide from a server's backups and log is shared code over the log source
 * ({@link ServerPlans}); positions cross these interfaces as typed values.
 *
 * @param name the name users type: {@code postgres}
 */
public record Engine(String name, ServerLifecycle lifecycle, SnapshotSource snapshots, LogSource logs,
                     Restorer restorer) {
}
