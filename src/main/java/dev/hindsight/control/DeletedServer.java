package dev.hindsight.control;

import java.time.Instant;

/**
 * What a delete did.
 *
 * @param finalLogAt every transaction committed before this is restorable (the final log backup);
 *                   null if the server was deleted without one
 * @param note       for the user: the final log backup, or what may be missing without it
 */
public record DeletedServer(String name, String id, Instant deletedAt, Instant finalLogAt, String note) {
}
