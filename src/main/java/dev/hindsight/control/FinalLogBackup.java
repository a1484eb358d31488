package dev.hindsight.control;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.plan.Position;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A server's final log backup, taken before it is deleted, as the managed services take one:
 * the engine ends the log it is writing (a WAL switch, a new binary log file) and the capture
 * makes everything up to there durable in every synchronous copy. Every transaction committed
 * before the log was ended is then restorable: that moment is the deleted server's latest
 * restore point.
 */
final class FinalLogBackup {
    static final Duration WAIT = Duration.ofSeconds(60);
    /** With --force the user has said a missing final log is acceptable: a shorter try. */
    static final Duration FORCED_WAIT = Duration.ofSeconds(10);

    private FinalLogBackup() {
    }

    /** Takes it; returns the moment everything committed before is held. Throws, changing nothing, if it cannot. */
    static Instant take(Engine engine, ServerRecord record, ManagedServer host, CaptureManager captures, Clock clock,
                        Duration wait) {
        LogCapture capture = captures.capture(record.id()).orElseThrow(() -> new HindsightException(
                HindsightException.Kind.UNAVAILABLE, "no log capture runs for server " + record.name()
                + ", so its final log backup cannot be taken", "wait for the daemon to resume it, or delete with --force"));
        Instant asked = clock.instant();
        Position end = engine.lifecycle().endLog(host.spec(), new Credentials(record.agentUser(), record.agentPassword()));
        boolean durable;
        try {
            durable = capture.awaitDurable(end, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HindsightException(HindsightException.Kind.FAILED, "interrupted while waiting for the final log "
                    + "backup of " + record.name(), "try the delete again");
        }
        if (!durable) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE, "the final log backup of server "
                    + record.name() + " did not become durable within " + wait.toSeconds() + " s (the log up to "
                    + end.text() + capture.lastError().map(e -> "; the capture reports: " + e).orElse("") + ")",
                    "make the storage reachable and delete again; `server delete --force` deletes without it, and"
                            + " commits after the latest restore point shown by `server show` may then be missing");
        }
        return asked;
    }
}
