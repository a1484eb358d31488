package dev.hindsight.control;

import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.IntegrityCheck;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.ServerPlans;
import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.repo.catalog.Verification;
import dev.hindsight.util.FileTrees;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Restore rehearsals: the newest backup and its log restored into a scratch server (a free port,
 * a directory under the home's tmp/, the source's tier), the engine's integrity check
 * run on it, the outcome recorded on the backup (VERIFIED or FAILED, with the reason and how long
 * it took), and the scratch server removed. One at a time on this host. The scratch server is
 * never captured or registered: nothing of it enters the repository, and the source is only read.
 */
public final class RehearsalService {
    private static final Logger log = LoggerFactory.getLogger(RehearsalService.class);

    private final Home home;
    private final Repository repository;
    private final Engines engines;
    private final CaptureManager captures;
    private final ServerLookup lookup;
    private final Operations operations;
    private final Ports ports;
    private final RedoRates redoRates;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    /** What a scratch directory holds about its server, so that a daemon restart can stop and remove it. */
    private record Marker(String engine, String id, int port) {
    }

    private static final String MARKER = "rehearsal.json";

    public RehearsalService(Home home, Repository repository, Engines engines, CaptureManager captures,
                            ServerLookup lookup, Operations operations, Ports ports, RedoRates redoRates, Clock clock) {
        this.ports = ports;
        this.redoRates = redoRates;
        this.home = home;
        this.repository = repository;
        this.engines = engines;
        this.captures = captures;
        this.lookup = lookup;
        this.operations = operations;
        this.clock = clock;
    }

    /** Starts a rehearsal of the server's newest backup as an operation; refused while another runs. */
    public Operation start(String name, String requestedBy) throws IOException {
        ServerRecord record = lookup.live(name);
        Engine engine = engines.get(record.engine());
        Instant caughtUp = captures.capture(record.id()).flatMap(LogCapture::caughtUpAt).orElse(null);
        RestorePlan plan = ServerPlans.restore(engine, repository, record, RestoreRequest.latest(), caughtUp,
                clock.instant());
        if (!running.compareAndSet(false, true)) {
            throw HindsightException.conflict("a restore rehearsal is running on this host (one at a time)",
                    "try again when it is done: `hindsight backup list --server " + name + "` shows the outcomes");
        }
        try {
            return operations.submit("rehearsal", name, requestedBy, progress -> {
                try {
                    return rehearse(engine, record, plan, progress);
                } finally {
                    running.set(false);
                }
            });
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    /**
     * The servers whose rehearsal is due at {@code now}: their schedule is not off, and neither
     * their last rehearsal nor (for one never rehearsed) their creation is within its interval.
     */
    public List<String> due(Instant now) throws IOException {
        List<String> due = new java.util.ArrayList<>();
        for (ManagedServer host : lookup.all()) {
            if (host.state() != ServerState.RUNNING) {
                continue;
            }
            Optional<ServerRecord> record = repository.catalog().server(host.id());
            if (record.isPresent() && isDue(record.get(), repository.catalog().backupsOf(host.id()), now)) {
                due.add(host.name());
            }
        }
        return due;
    }

    /** Pure: whether the server's schedule calls for a rehearsal at {@code now}. */
    static boolean isDue(ServerRecord record, List<BackupRecord> backups, Instant now) {
        Optional<Duration> every = record.rehearsal().every();
        if (every.isEmpty() || backups.stream().noneMatch(BackupRecord::isCompleted)) {
            return false;
        }
        Instant last = backups.stream().map(BackupRecord::verification).filter(java.util.Objects::nonNull)
                .map(Verification::at).max(Comparator.naturalOrder()).orElse(record.createdAt());
        return !last.plus(every.get()).isAfter(now);
    }

    /** Starts the first due rehearsal unless one runs; the daemon calls it on its loop. */
    public void pass() throws IOException {
        if (running.get()) {
            return;
        }
        for (String name : due(clock.instant())) {
            try {
                start(name, Operations.BY_SCHEDULE);
                return;
            } catch (HindsightException e) {
                log.warn("Restore rehearsal of {} cannot start: {}", name, e.getMessage());
            }
        }
    }

    private Verification rehearse(Engine engine, ServerRecord record, RestorePlan plan, Progress progress)
            throws IOException {
        String id = "rehearsal-" + Secrets.newId();
        Path dir = home.scratch().resolve(id);
        // the source's tier: PostgreSQL's recovery refuses fewer max_connections (and the like) than
        // the primary had, so a smaller tier would fail every rehearsal of a larger server
        ServerSpec scratch = new ServerSpec(id, record.name() + "-rehearsal", ports.choose(null), dir.resolve("data"),
                dir.resolve("run"), ServerProfile.of(record.tier(), List.of()));
        long started = System.nanoTime();
        Verification outcome;
        try {
            Files.createDirectories(scratch.runDir());
            dev.hindsight.util.Json.MAPPER.writeValue(dir.resolve(MARKER).toFile(),
                    new Marker(record.engine(), id, scratch.port()));
            redoRates.record(engine.restorer().restoreAndPromote(repository, plan, record, scratch,
                    dir.resolve("restore-wal"), new Credentials(record.agentUser(), record.agentPassword()),
                    RestoreService.RECOVERY_TIMEOUT, progress));
            progress.update("checking integrity", 0, -1);
            IntegrityCheck check = engine.restorer().check(scratch, new Credentials(record.adminUser(),
                    record.adminPassword()));
            outcome = new Verification(check.passed() ? Verification.VERIFIED : Verification.FAILED, clock.instant(),
                    check.details(), millisSince(started));
        } catch (IOException | RuntimeException e) {
            outcome = new Verification(Verification.FAILED, clock.instant(), "the restore failed: " + e.getMessage(),
                    millisSince(started));
        } finally {
            stopQuietly(engine, scratch);
            FileTrees.deleteRecursively(dir);
        }
        Verification recorded = outcome;
        String backupId = plan.backup().id();
        repository.updateCatalog(c -> c.backup(backupId).map(b -> c.withBackup(b.verified(recorded))).orElse(c));
        log.info("Restore rehearsal of {} (backup {}): {} in {} ms: {}", record.name(), backupId, outcome.status(),
                outcome.duration(), outcome.detail());
        if (!outcome.passed()) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "the restore rehearsal of server "
                    + record.name() + " (backup " + backupId + ") failed: " + outcome.detail(),
                    "the backup is marked FAILED in `backup list`; take a new full backup and look at the daemon's log");
        }
        return outcome;
    }

    /**
     * Stops and removes the scratch servers a daemon that stopped meanwhile left behind (their
     * server processes outlive it); the daemon calls it at start, before any rehearsal can run.
     */
    public void cleanUp() {
        Path scratch = home.scratch();
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(scratch)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("rehearsal-")).toList()) {
                try {
                    if (Files.exists(dir.resolve(MARKER))) {
                        Marker m = dev.hindsight.util.Json.MAPPER.readValue(dir.resolve(MARKER).toFile(), Marker.class);
                        stopQuietly(engines.get(m.engine()), new ServerSpec(m.id(), m.id(), m.port(), dir.resolve("data"),
                                dir.resolve("run")));
                    }
                    FileTrees.deleteRecursively(dir);
                    log.info("Removed the scratch server of an interrupted restore rehearsal: {}", dir);
                } catch (IOException | RuntimeException e) {
                    log.warn("Could not remove the rehearsal scratch directory {}: {}", dir, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("Could not list {}: {}", scratch, e.getMessage());
        }
    }

    private static void stopQuietly(Engine engine, ServerSpec scratch) {
        try {
            if (engine.lifecycle().isRunning(scratch)) {
                engine.lifecycle().stop(scratch);
            }
        } catch (RuntimeException e) {
            log.warn("the rehearsal server in {} did not stop cleanly: {}", scratch.dataDir(), e.getMessage());
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
