package dev.hindsight.daemon;

import dev.hindsight.control.BackupService;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.control.RedoRates;
import dev.hindsight.control.Operations;
import dev.hindsight.control.ServerLookup;
import dev.hindsight.control.ServerState;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.plan.LogChain;
import dev.hindsight.plan.Position;
import dev.hindsight.plan.ReplayBudget;
import dev.hindsight.plan.Schedule;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts the full and differential backups the {@link Schedule} says are due, and the
 * differentials the {@link ReplayBudget} asks for. One pass of each per call.
 */
public record BackupScheduler(ServerLookup lookup, Repository repository, BackupService backups, Engines engines,
                              CaptureManager captures, RedoRates redoRates, Map<String, String> measured,
                              Clock clock) {
    public BackupScheduler(ServerLookup lookup, Repository repository, BackupService backups, Engines engines,
                           CaptureManager captures, RedoRates redoRates, Clock clock) {
        this(lookup, repository, backups, engines, captures, redoRates, new ConcurrentHashMap<>(), clock);
    }

    private static final Logger log = LoggerFactory.getLogger(BackupScheduler.class);

    /** A backup the schedule says is due, and why. */
    record Due(BackupKind kind, String reason) {
    }

    /**
     * What the schedule of {@code server} asks for at {@code now}: a full if one is due, else a
     * differential if one is due, else nothing.
     */
    static Optional<Due> due(ServerRecord server, List<BackupRecord> backups, Instant now) {
        Optional<String> full = Schedule.fullBackupDue(backups, server.fullBackupInterval(), now);
        if (full.isPresent()) {
            return Optional.of(new Due(BackupKind.FULL, full.get()));
        }
        return Schedule.differentialDue(backups, server.fullBackupInterval(), server.diffBackupInterval(), now)
                .map(reason -> new Due(BackupKind.DIFF, reason));
    }

    /**
     * Starts a differential of each running server whose log since its newest backup would take
     * longer than its replay budget to replay.
     */
    public void budgetPass() throws IOException {
        Catalog catalog = repository.catalog();
        for (ManagedServer host : lookup.all()) {
            Optional<ServerRecord> record = catalog.server(host.id());
            if (host.state() != ServerState.RUNNING || record.isEmpty() || record.get().maxReplay().isZero()) {
                continue;
            }
            try {
                keepWithinBudget(host, record.get(), catalog.backupsOf(host.id()));
            } catch (IOException | RuntimeException e) {
                // one server's unreadable log must not keep the others from their budget
                log.warn("Replay budget of {} not checked: {}", host.name(), e.getMessage());
            }
        }
    }

    private void keepWithinBudget(ManagedServer host, ServerRecord server, List<BackupRecord> history)
            throws IOException {
        Optional<BackupRecord> base = ReplayBudget.newestBase(history);
        if (base.isEmpty()) {
            return;
        }
        // a server whose log was within its budget and has not moved since: no listing of the repository
        String state = base.get().id() + "@" + captures.capture(host.id()).flatMap(LogCapture::durablePosition)
                .map(Position::text).orElse("?") + "/" + server.maxReplay();
        if (state.equals(measured.get(host.id()))) {
            return;
        }
        Engine engine = engines.get(server.engine());
        long bytes = logBytesFrom(engine.logs().chain(repository, host.id()), base.get().startPosition());
        double rate = redoRates.of(engine);
        if (ReplayBudget.within(bytes, rate, server.maxReplay())) {
            measured.put(host.id(), state);
            return;
        }
        measured.remove(host.id());
        Optional<String> why = ReplayBudget.differentialDue(history, base.get(), bytes, rate, server.maxReplay(),
                clock.instant());
        if (why.isEmpty()) {
            return;
        }
        log.info("Differential backup of {}: {}", host.name(), why.get());
        try {
            backups.start(host.name(), BackupKind.DIFF, Operations.BY_SCHEDULE, why.get());
        } catch (HindsightException e) {
            log.info("Differential backup of {} for its replay budget not started: {}", host.name(), e.getMessage());
        }
    }

    private static <P extends Position> long logBytesFrom(LogChain<P> chain, String start) {
        return chain.bytesAfter(chain.position(start));
    }

    public void pass() throws IOException {
        Catalog catalog = repository.catalog();
        for (ManagedServer host : lookup.all()) {
            if (host.state() != ServerState.RUNNING) {
                continue;
            }
            Optional<ServerRecord> record = catalog.server(host.id());
            if (record.isEmpty()) {
                continue;
            }
            Optional<Due> due = due(record.get(), catalog.backupsOf(host.id()), clock.instant());
            if (due.isPresent()) {
                log.info("Scheduled {} backup of {}: {}", due.get().kind() == BackupKind.FULL ? "full" : "differential",
                        host.name(), due.get().reason());
                try {
                    backups.start(host.name(), due.get().kind(), Operations.BY_SCHEDULE);
                } catch (HindsightException e) {
                    log.info("Scheduled backup of {} not started: {}", host.name(), e.getMessage());
                }
            }
        }
    }
}
