package dev.hindsight.control;

import dev.hindsight.repo.catalog.LtrPolicy;

import java.time.Instant;

/**
 * A deleted server as {@code server show-deleted} prints it.
 *
 * @param finalLogBackup whether its final log backup was taken (else commits before the deletion
 *                       may be missing, and the latest point is where its stored log ends)
 * @param windowEndsAt   when its retention has passed its deletion: its backups go then, but for
 *                       the fulls long-term retention holds
 */
public record DeletedServerView(String name, String id, String engine, String version, Instant createdAt,
                                Instant deletedAt, boolean finalLogBackup, Instant earliestRestorePoint,
                                Instant latestRestorePoint, int backupRetentionDays, Instant windowEndsAt,
                                LtrPolicy longTermRetention) {
}
