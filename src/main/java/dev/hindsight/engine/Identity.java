package dev.hindsight.engine;

/** What a server says it is: its version, and the identifier of its lineage (PostgreSQL's system identifier). */
public record Identity(String version, String systemIdentifier) {
}
