package dev.hindsight.daemon;

import dev.hindsight.control.ManagedServer;
import dev.hindsight.control.RetentionService;
import dev.hindsight.control.ServerLookup;
import dev.hindsight.control.ServerState;
import dev.hindsight.jobs.PurgeExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/** Applies every server's retention policy. One pass per call; the daemon calls it hourly. */
public record PurgeScheduler(ServerLookup lookup, RetentionService retention, Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(PurgeScheduler.class);

    public void pass() {
        Instant now = clock.instant();
        for (ManagedServer host : lookup.all()) {
            if (host.state() != ServerState.RUNNING) {
                continue;
            }
            try {
                PurgeExecutor.Outcome outcome = retention.purge(host.name(), now);
                if (outcome.backups() + outcome.walObjects() + outcome.leftovers() > 0) {
                    log.info("Retention of {}: purged {} backups, {} WAL objects, {} leftovers", host.name(),
                            outcome.backups(), outcome.walObjects(), outcome.leftovers());
                }
            } catch (IOException | RuntimeException e) {
                log.error("Purge of {} failed; it runs again next hour", host.name(), e);
            }
        }
        try {
            retention.purgeDeleted(now).forEach((server, outcome) -> {
                if (outcome.backups() + outcome.walObjects() + outcome.leftovers() > 0) {
                    log.info("Retention of deleted server {}: purged {} backups, {} WAL objects, {} leftovers", server,
                            outcome.backups(), outcome.walObjects(), outcome.leftovers());
                }
            });
        } catch (IOException | RuntimeException e) {
            log.error("Purge of the deleted servers failed; it runs again next hour", e);
        }
    }
}
