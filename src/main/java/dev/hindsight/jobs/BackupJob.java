package dev.hindsight.jobs;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.engine.Snapshot;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes one backup, full or differential, and records it: RUNNING in the catalog first (a
 * differential with the full it rests on, so a purge meanwhile keeps that full), then the engine
 * copies the files, then the backup waits until log capture holds its stop position — only then
 * is it COMPLETED, because before that it could not be made consistent.
 */
public final class BackupJob {
    private static final Logger log = LoggerFactory.getLogger(BackupJob.class);
    static final Duration WAIT_FOR_STOP_POSITION = Duration.ofMinutes(5);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Repository repository;
    private final CaptureManager captures;
    private final Clock clock;

    public BackupJob(Repository repository, CaptureManager captures, Clock clock) {
        this.repository = repository;
        this.captures = captures;
        this.clock = clock;
    }

    public static String newBackupId(Clock clock, BackupKind kind) {
        return ID_TIME.format(clock.instant()) + "-" + kind.name().charAt(0)
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * Registers a RUNNING backup in the catalog and returns it; {@link #run} does the work. A
     * differential is taken against the newest completed full; without one it becomes a full.
     */
    public BackupRecord register(ServerRecord server, BackupKind kind) throws java.io.IOException {
        return register(server, kind, null);
    }

    /** @param why why it was started, kept as its note (null: asked for, or by the schedule) */
    public BackupRecord register(ServerRecord server, BackupKind kind, String why) throws java.io.IOException {
        BackupRecord[] registered = new BackupRecord[1];
        repository.updateCatalog(c -> {
            Optional<BackupRecord> base = kind != BackupKind.DIFF ? Optional.empty() : c.backupsOf(server.id())
                    .stream().filter(b -> b.isFull() && b.isCompleted())
                    .max(Comparator.comparing(BackupRecord::consistentAt));
            BackupKind taken = base.isPresent() ? kind : BackupKind.FULL;
            String note = kind == BackupKind.DIFF && base.isEmpty()
                    ? "no completed full backup to take a differential against: a full backup was taken instead" : why;
            registered[0] = BackupRecord.running(newBackupId(clock, taken), server.id(), taken,
                    base.map(BackupRecord::id).orElse(null), clock.instant(), note);
            return c.withBackup(registered[0]);
        });
        return registered[0];
    }

    public BackupRecord run(Engine engine, ServerRecord server, ServerSpec host, BackupRecord backup,
                            Progress progress) throws java.io.IOException {
        try {
            log.info("{} backup {} of server {} started", describe(backup), backup.id(), server.name());
            long began = System.nanoTime();
            Snapshot snapshot = engine.snapshots().take(server, host, repository, backup.id(), backup.baseBackupId(),
                    progress);
            long copied = System.nanoTime();
            BackupRecord taken = backup.kind() == BackupKind.DIFF && !snapshot.differential()
                    ? backup.fullInstead(snapshot.note()) : backup;
            if (taken != backup) {
                log.info("Backup {} of server {}: {}", backup.id(), server.name(), snapshot.note());
            }
            if (snapshot.takenFrom() != null || snapshot.sourceNote() != null) {
                taken = taken.takenFrom(snapshot.takenFrom(), snapshot.sourceNote());
                log.info("Backup {} of server {} taken from the {}{}", backup.id(), server.name(),
                        snapshot.takenFrom() == null ? "primary" : snapshot.takenFrom(),
                        snapshot.sourceNote() == null ? "" : ": " + snapshot.sourceNote());
            }
            String stop = snapshot.stop().text();
            progress.update("waiting for the log up to " + stop, 0, -1);
            LogCapture capture = captures.capture(server.id()).orElseThrow(() -> new HindsightException(
                    HindsightException.Kind.FAILED, "log capture is not running for server " + server.name(),
                    "the backup is not consistent without its log; check `hindsight server show --name "
                            + server.name() + "`"));
            if (!capture.awaitDurable(snapshot.stop(), WAIT_FOR_STOP_POSITION)) {
                throw new HindsightException(HindsightException.Kind.FAILED,
                        "log capture did not reach the backup's stop position " + stop
                                + " within " + WAIT_FOR_STOP_POSITION.toMinutes() + " minutes"
                                + capture.lastError().map(e -> " (capture error: " + e + ")").orElse(""),
                        "check the log capture in `hindsight server show --name " + server.name() + "`");
            }
            BackupRecord completed = snapshot.completed(taken, clock.instant());
            Catalog recorded = repository.updateCatalog(c -> c.withBackup(completed.immutableFor(immutability(c,
                    server.id()))));
            BackupRecord done = recorded.backup(backup.id()).orElse(completed);
            log.info("{} backup {} of server {} completed: {} files, {} bytes of data, {} bytes stored;"
                            + " copied in {} ms, log durable to its stop position {} ms later",
                    describe(done), backup.id(), server.name(), snapshot.files(), snapshot.logicalBytes(),
                    snapshot.storedBytes(), (copied - began) / 1_000_000, (System.nanoTime() - copied) / 1_000_000);
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(backup, "interrupted", e);
        } catch (RuntimeException | java.io.IOException e) {
            throw fail(backup, e.getMessage(), e);
        }
    }

    /** The objects a backup wrote are as immutable as its server's are now. */
    static java.time.Duration immutability(Catalog catalog, String serverId) {
        return catalog.server(serverId).map(ServerRecord::immutability).orElse(java.time.Duration.ZERO);
    }

    private static String describe(BackupRecord b) {
        return b.isFull() ? "Full" : "Differential";
    }

    private HindsightException fail(BackupRecord backup, String why, Exception cause) {
        log.error("{} backup {} failed: {}", describe(backup), backup.id(), why, cause);
        try {
            repository.updateCatalog(c -> c.updateBackup(backup.id(), b -> b.failed(clock.instant(), why)
                    .immutableFor(immutability(c, backup.serverId()))));
        } catch (java.io.IOException | RuntimeException e) {
            log.error("Could not record the failure of backup {}", backup.id(), e);
        }
        if (cause instanceof HindsightException h) {
            return h;
        }
        return new HindsightException(HindsightException.Kind.FAILED, "backup " + backup.id() + " failed: " + why,
                "see the daemon's log for details", cause);
    }
}
