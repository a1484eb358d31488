package dev.hindsight.control;

import java.time.Instant;

/**
 * A request to export one backup of a server ({@code backupId}), or the server as it was at
 * {@code restoreTime} (or its latest point), into {@code to} on the daemon's host, decrypted, in
 * a format the database's own tools restore.
 *
 * @param format    plain or tar (PostgreSQL), xbstream (MariaDB); null: plain, or xbstream
 * @param deleted   the server is a deleted one of that name
 * @param deletedAt which one, when several servers of that name were deleted
 */
public record ExportRequestBody(String backupId, Instant restoreTime, boolean latest, String to, String format,
                                boolean deleted, Instant deletedAt) {
}
