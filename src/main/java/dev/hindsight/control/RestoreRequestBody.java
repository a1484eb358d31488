package dev.hindsight.control;

import java.time.Instant;

/**
 * A request to restore {@code sourceServer} into a new server {@code name}: exactly one target
 * (a time, latest, earliest, or {@code fromBackup}: one backup's consistent point, e.g. from LTR).
 *
 * @param backupRedundancy the new server's; null: the source's
 */
public record RestoreRequestBody(String sourceServer, String name, Instant restoreTime, boolean latest,
                                 boolean earliest, Integer port, String fromBackup, String backupRedundancy) {
}
