package dev.hindsight.control;

import dev.hindsight.engine.Engines;
import dev.hindsight.engine.LogSource;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Storage usage per server, measured from the repository's real objects (not from what the
 * catalog says they should take), and the hourly samples a monthly GB-month figure is made of.
 */
public record UsageService(ControlDb db, Repository repository, Engines engines, ServerLookup lookup,
                           Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(UsageService.class);

    public UsageReport usage(String name) throws IOException {
        ServerRecord record = lookup.live(name);
        ManagedServer host = lookup.managed(name);
        return report(record, host, clock.instant());
    }

    private UsageReport report(ServerRecord record, ManagedServer host, Instant now) throws IOException {
        String prefix = Layout.serverPrefix(record.id());
        List<ObjectInfo> objects = repository.list(prefix);
        Catalog catalog = repository.catalog();
        UsageReport.Part full = UsageReport.Part.NONE;
        UsageReport.Part diff = UsageReport.Part.NONE;
        UsageReport.Part log = UsageReport.Part.NONE;
        UsageReport.Part ltr = UsageReport.Part.NONE;
        Instant windowStart = now.minus(java.time.Duration.ofDays(record.retentionDays()));
        Set<String> counted = new HashSet<>();
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
                if (backup.kind() == BackupKind.DIFF) {
                    diff = diff.plus(first ? 1 : 0, o.size(), first ? backup.logicalBytes() : 0);
                } else if (backup.ltr() != null && backup.finishedAt() != null
                        && backup.finishedAt().isBefore(windowStart)) {
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
            }
        }
        long allowance = record.storageSizeGib() != null ? record.storageSizeGib() * Usage.GIB
                : Usage.defaultAllowance(directorySize(host.dataDir()));
        return Usage.report(full, diff, log, ltr, allowance,
                db.usageSamples(record.id()), now);
    }

    /**
     * The hourly samples of a server's storage use, oldest first, and the use now as the last
     * point: what the console's storage chart draws.
     */
    public List<UsagePoint> history(String name) throws IOException {
        ServerRecord record = lookup.live(name);
        UsageReport now = usage(name);
        List<UsagePoint> points = new java.util.ArrayList<>(db.usageSamples(record.id()).stream().map(UsagePoint::of)
                .toList());
        points.add(UsagePoint.of(new Usage.Sample(clock.instant(), now.totalStoredBytes(), now.allowanceBytes(),
                Usage.ByType.of(now))));
        return points;
    }

    /** Records one sample per server for the current hour. */
    public void sample() {
        Instant now = clock.instant();
        for (ManagedServer host : db.servers()) {
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
