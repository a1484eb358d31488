package dev.hindsight.control;

import java.time.Instant;

/**
 * A request to restore {@code sourceServer} into a new server {@code name}: exactly one target
 * (a time, latest, earliest, or {@code fromBackup}: one backup's consistent point, e.g. from LTR).
 *
 * @param backupRedundancy the new server's; null: the source's
 * @param deleted          the source is a deleted server of that name (its final log backup is its latest point)
 * @param deletedAt        which one, when several servers of that name were deleted (their deletion time)
 * @param check            run the engine's integrity check on the new server before reporting success
 */
public record RestoreRequestBody(String sourceServer, String name, Instant restoreTime, boolean latest,
                                 boolean earliest, Integer port, String fromBackup, String backupRedundancy,
                                 boolean deleted, Instant deletedAt, boolean check) {
    public RestoreRequestBody(String sourceServer, String name, Instant restoreTime, boolean latest, boolean earliest,
                              Integer port, String fromBackup, String backupRedundancy) {
        this(sourceServer, name, restoreTime, latest, earliest, port, fromBackup, backupRedundancy, false, null, false);
    }
}
