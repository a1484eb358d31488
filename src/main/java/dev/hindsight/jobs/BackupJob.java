package dev.hindsight.jobs;

import dev.hindsight.HindsightException;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes one full backup and records it: RUNNING in the catalog first, then the engine copies
 * the files, then the backup waits until log capture holds its stop position — only then is it
 * COMPLETED, because before that it could not be made consistent.
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

    /** Registers a RUNNING backup in the catalog and returns it; {@link #run} does the work. */
    public BackupRecord register(ServerRecord server) throws java.io.IOException {
        BackupRecord backup = BackupRecord.running(newBackupId(clock, BackupKind.FULL), server.id(), BackupKind.FULL,
                clock.instant());
        repository.updateCatalog(c -> c.withBackup(backup));
        return backup;
    }

    public BackupRecord run(Engine engine, ServerRecord server, ManagedServer host, BackupRecord backup,
                            Progress progress) throws java.io.IOException {
        try {
            log.info("Full backup {} of server {} started", backup.id(), server.name());
            Engine.BackupResult result = engine.fullBackup(server, host, repository, backup.id(), progress);
            progress.update("waiting for the log up to " + result.stopPosition(), 0, -1);
            LogCapture capture = captures.capture(server.id()).orElseThrow(() -> new HindsightException(
                    HindsightException.Kind.FAILED, "log capture is not running for server " + server.name(),
                    "the backup is not consistent without its log; check `hindsight server show --name "
                            + server.name() + "`"));
            if (!capture.awaitDurable(result.stopPosition(), WAIT_FOR_STOP_POSITION)) {
                throw new HindsightException(HindsightException.Kind.FAILED,
                        "log capture did not reach the backup's stop position " + result.stopPosition()
                                + " within " + WAIT_FOR_STOP_POSITION.toMinutes() + " minutes"
                                + capture.lastError().map(e -> " (capture error: " + e + ")").orElse(""),
                        "check the log capture in `hindsight server show --name " + server.name() + "`");
            }
            BackupRecord done = backup.completed(clock.instant(), result.consistentAt(), result.startPosition(),
                    result.stopPosition(), result.timeline(), result.files(), result.logicalBytes(),
                    result.storedBytes());
            repository.updateCatalog(c -> c.withBackup(done));
            log.info("Full backup {} of server {} completed: {} files, {} bytes read, {} bytes stored",
                    backup.id(), server.name(), result.files(), result.logicalBytes(), result.storedBytes());
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(backup, "interrupted", e);
        } catch (RuntimeException | java.io.IOException e) {
            throw fail(backup, e.getMessage(), e);
        }
    }

    private HindsightException fail(BackupRecord backup, String why, Exception cause) {
        log.error("Full backup {} failed: {}", backup.id(), why, cause);
        try {
            repository.updateCatalog(c -> c.updateBackup(backup.id(), b -> b.failed(clock.instant(), why)));
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
