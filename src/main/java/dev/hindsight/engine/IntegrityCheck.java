package dev.hindsight.engine;

/**
 * What the engine's own integrity check found on a server: PostgreSQL's pg_amcheck (tables and
 * B-tree indexes, every heap tuple looked up in its indexes), MariaDB's mariadb-check --extended.
 *
 * @param tool    the command as it ran, without secrets
 * @param passed  whether it found nothing wrong
 * @param details what it reported when something was wrong (its last lines), else a summary
 */
public record IntegrityCheck(String tool, boolean passed, String details, long durationMillis) {
}
