package dev.hindsight.control;

import dev.hindsight.engine.Engines;
import dev.hindsight.engine.LogSource;
import dev.hindsight.plan.RetentionPlanner;
import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.plan.Usage;
import dev.hindsight.plan.UsageReport;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.ObjectInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Storage usage per server, measured from the repository's real objects (not from what the
 * catalog says they should take), and the hourly samples a monthly GB-month figure is made of.
 */
public final class UsageService {
    /** How old a figure the storage chart and the metrics may show: measuring lists every object. */
    public static final Duration RECENT = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(UsageService.class);

    private record Measured(Instant at, UsageReport report) {
    }

    private final ControlDb db;
    private final Repository repository;
    private final Engines engines;
    private final ServerLookup lookup;
    private final Clock clock;
    private final Map<String, Measured> recent = new ConcurrentHashMap<>();

    public UsageService(ControlDb db, Repository repository, Engines engines, ServerLookup lookup, Clock clock) {
        this.db = db;
        this.repository = repository;
        this.engines = engines;
        this.lookup = lookup;
        this.clock = clock;
    }

    /** Measures now (what `server usage` shows). */
    public UsageReport usage(String name) throws IOException {
        return measure(name).report();
    }

    /** The last measure if it is younger than {@link #RECENT}, else a new one. */
    public UsageReport recentUsage(String name) throws IOException {
        return recentMeasure(name).report();
    }

    private Measured recentMeasure(String name) throws IOException {
        Measured last = recent.get(name);
        if (last != null && Duration.between(last.at(), clock.instant()).compareTo(RECENT) < 0) {
            return last;
        }
        return measure(name);
    }

    private Measured measure(String name) throws IOException {
        ServerRecord record = lookup.live(name);
        ManagedServer host = lookup.managed(name);
        Instant now = clock.instant();
        Measured m = new Measured(now, report(record, host, now));
        recent.put(name, m);
        return m;
    }

    private UsageReport report(ServerRecord record, ManagedServer host, Instant now) throws IOException {
        String prefix = Layout.serverPrefix(record.id());
        List<ObjectInfo> objects = repository.list(prefix);
        Catalog catalog = repository.catalog();
        UsageReport.Part full = UsageReport.Part.NONE;
        UsageReport.Part diff = UsageReport.Part.NONE;
        UsageReport.Part log = UsageReport.Part.NONE;
        UsageReport.Part ltr = UsageReport.Part.NONE;
        Set<String> longTermOnly = RetentionPlanner.keptForLongTermOnly(catalog.backupsOf(record.id()),
                new RetentionPolicy(record.retentionDays()), now);
        Set<String> counted = new HashSet<>();
        long immutable = 0;
        LogSource logs = engines.get(record.engine()).logs();
        for (ObjectInfo o : objects) {
            String rest = o.key().substring(prefix.length());
            if (rest.startsWith("backups/")) {
                String backupId = rest.substring("backups/".length(), rest.indexOf('/', "backups/".length()));
                BackupRecord backup = catalog.backup(backupId).orElse(null);
                if (backup == null) {
                    continue; // a leftover the next purge removes
                }
                boolean first = counted.add(backupId);
                immutable += backup.immutableAt(now) ? o.size() : 0;
                if (backup.kind() == BackupKind.DIFF) {
                    diff = diff.plus(first ? 1 : 0, o.size(), first ? backup.logicalBytes() : 0);
                } else if (longTermOnly.contains(backupId)) {
                    ltr = ltr.plus(first ? 1 : 0, o.size(), first ? backup.logicalBytes() : 0);
                } else {
                    full = full.plus(first ? 1 : 0, o.size(), first ? backup.logicalBytes() : 0);
                }
            } else {
                // the engine's log, and what it keeps beside it (billed with it)
                Optional<LogSource.LogUsage> u = logs.usageOf(o);
                if (u.isPresent()) {
                    log = log.plus(u.get().objects(), o.size(), u.get().logicalBytes());
                }
                // written while the server was immutable: protected for the period from its write
                immutable += o.modified().plus(record.immutability()).isAfter(now) && !record.immutability().isZero()
                        ? o.size() : 0;
            }
        }
        long allowance = record.storageSizeGib() != null ? record.storageSizeGib() * Usage.GIB
                : Usage.defaultAllowance(directorySize(host.dataDir()));
        return Usage.report(full, diff, log, ltr, allowance,
                db.usageSamples(record.id()), now).withImmutableBytes(immutable);
    }

    /**
     * The hourly samples of a server's storage use, oldest first, and the use now as the last
     * point: what the console's storage chart draws.
     */
    public List<UsagePoint> history(String name, Duration span) throws IOException {
        ServerRecord record = lookup.live(name);
        Measured now = recentMeasure(name);
        Instant since = clock.instant().minus(span);
        List<UsagePoint> points = new java.util.ArrayList<>(db.usageSamples(record.id()).stream()
                .filter(s -> !s.at().isBefore(since)).map(UsagePoint::of).toList());
        UsageReport r = now.report();
        points.add(UsagePoint.of(new Usage.Sample(now.at(), r.totalStoredBytes(), r.allowanceBytes(),
                Usage.ByType.of(r))));
        return points;
    }

    /** Records one sample per server for the current hour. */
    public void sample() {
        Instant now = clock.instant();
        List<ManagedServer> servers = db.servers();
        recent.keySet().retainAll(servers.stream().map(ManagedServer::name).toList());
        for (ManagedServer host : servers) {
            try {
                ServerRecord record = lookup.live(host.name());
                UsageReport r = report(record, host, now);
                db.insertUsageSample(record.id(), new Usage.Sample(now.truncatedTo(ChronoUnit.HOURS),
                        r.totalStoredBytes(), r.allowanceBytes(), Usage.ByType.of(r)));
            } catch (IOException | RuntimeException e) {
                log.warn("Could not sample the storage usage of {}: {}", host.name(), e.getMessage());
            }
        }
    }

    static long directorySize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(f -> {
                try {
                    return Files.isRegularFile(f) ? Files.size(f) : 0;
                } catch (IOException e) {
                    return 0; // removed while we walked: a temporary file of the server
                }
            }).sum();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
