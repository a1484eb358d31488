package dev.hindsight.control;

import java.time.Instant;

/** What a finished restore reports. */
public record RestoreOutcome(String name, String sourceServer, Instant pointInTime, String backupId,
                             String connectionString, String note) {
}
