package dev.hindsight.control;

import java.time.Instant;

/**
 * What a finished restore reports.
 *
 * @param backupBytes bytes of data the restore put back from its full (and differential), before
 *                    compression; the log it replayed is not counted
 * @param check       the integrity check the restore ran on the new server (--check), or null
 */
public record RestoreOutcome(String name, String sourceServer, Instant pointInTime, String backupId,
                             long backupBytes, String connectionString, String note,
                             dev.hindsight.engine.IntegrityCheck check) {
}
