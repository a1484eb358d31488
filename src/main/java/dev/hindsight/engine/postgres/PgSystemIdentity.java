package dev.hindsight.engine.postgres;

/**
 * What IDENTIFY_SYSTEM reports: the cluster's system identifier (shared by its restores, which
 * tell themselves apart by timeline), its current timeline and how far it has flushed WAL.
 */
public record PgSystemIdentity(long systemId, int timeline, Lsn xlogPos) {
}
