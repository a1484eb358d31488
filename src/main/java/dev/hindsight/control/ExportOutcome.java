package dev.hindsight.control;

import java.time.Instant;
import java.util.List;

/** What an export wrote, and how to restore it with the database's own tools. */
public record ExportOutcome(String server, String engine, String backupId, Instant pointInTime, String dir,
                            String format, long bytes, List<String> howToRestore) {
}
