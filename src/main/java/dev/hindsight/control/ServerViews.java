package dev.hindsight.control;

import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.engine.Credentials;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.ServerPlans;
import dev.hindsight.jobs.CaptureManager;
import dev.hindsight.jobs.GeoCopier;
import dev.hindsight.plan.Position;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What `server show` and `server list` say of a server: its state on this host, its restore
 * window, its last backups, its log capture and geo copy; and its connection string.
 */
public record ServerViews(Repository repository, StorageService storage, Engines engines, CaptureManager captures,
                          ServerLookup lookup, Clock clock) {
    public List<ServerView> list() throws IOException {
        List<ServerView> out = new ArrayList<>();
        for (ManagedServer s : lookup.all()) {
            out.add(show(s.name()));
        }
        return out;
    }

    public ServerView show(String name) throws IOException {
        ManagedServer host = lookup.managed(name);
        Catalog catalog = repository.catalog();
        ServerRecord record = catalog.server(host.id()).orElseThrow(() -> ServerLookup.notFound(name));
        Engine engine = engines.get(record.engine());
        Optional<LogCapture> capture = captures.capture(record.id());
        Instant caughtUp = capture.flatMap(LogCapture::caughtUpAt).orElse(null);
        Optional<RestoreWindow> window = ServerPlans.window(engine, repository, record, caughtUp);
        List<BackupRecord> completed = catalog.backupsOf(record.id()).stream().filter(BackupRecord::isCompleted)
                .sorted(Comparator.comparing(BackupRecord::finishedAt)).toList();
        Optional<BackupRecord> last = completed.stream().reduce((a, b) -> b);
        Optional<BackupRecord> lastFull = completed.stream().filter(BackupRecord::isFull).reduce((a, b) -> b);
        Optional<BackupRecord> lastDiff = completed.stream().filter(b -> !b.isFull()).reduce((a, b) -> b);
        Double lag = caughtUp == null ? null : secondsSince(caughtUp);
        Optional<GeoCopier.Status> geo = record.backupRedundancy().geo()
                ? storage.geoCopier().status(record.id()) : Optional.empty();
        ServerState state = host.state();
        if (state == ServerState.RUNNING && !engine.lifecycle().isRunning(host.spec())) {
            state = ServerState.STOPPED;
        }
        return new ServerView(record.name(), record.id(), record.engine(), record.engineVersion(), state.text(),
                host.port(), record.retentionDays(), record.fullBackupInterval().toString(),
                record.diffBackupInterval().isZero() ? "off" : record.diffBackupInterval().toString(),
                record.storageSizeGib(),
                window.map(RestoreWindow::earliest).orElse(null), window.map(RestoreWindow::latest).orElse(null),
                lastFull.map(BackupRecord::id).orElse(null), lastFull.map(BackupRecord::finishedAt).orElse(null),
                last.map(BackupRecord::id).orElse(null), last.map(b -> b.kind().name().toLowerCase()).orElse(null),
                last.map(BackupRecord::finishedAt).orElse(null), lastDiff.map(BackupRecord::finishedAt).orElse(null),
                lag, capture.flatMap(LogCapture::durablePosition).map(Position::text).orElse(null),
                capture.flatMap(LogCapture::pendingBytes).orElse(null),
                capture.flatMap(LogCapture::lastError).orElse(null),
                record.restoredFrom() == null ? null : catalog.server(record.restoredFrom()).map(ServerRecord::name)
                        .orElse(record.restoredFrom()),
                record.createdAt(), record.ltr(), record.backupRedundancy().text(), storage.copies(record),
                storage.geoSite(record).orElse(null),
                geo.map(GeoCopier.Status::syncedUpTo).map(this::secondsSince).orElse(null),
                geo.map(GeoCopier.Status::behindBytes).orElse(null), geo.map(GeoCopier.Status::error).orElse(null),
                storage.note(record).orElse(null), record.tier().text(), record.firewallRules(), record.locks(),
                record.rehearsal().text(), record.immutabilityDays(), lastRehearsal(catalog.backupsOf(record.id())),
                record.standby(), record.maxReplay().isZero() ? "off" : record.maxReplay().toString());
    }

    private double secondsSince(Instant t) {
        return Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0);
    }

    /** The admin login to a server as a URI, a JDBC URL or a client command line. */
    public String connectionString(String name, ConnectionFormat format) throws IOException {
        ManagedServer host = lookup.managed(name);
        ServerRecord record = lookup.live(name);
        return engines.get(record.engine()).lifecycle().connectionString(host.spec(),
                new Credentials(record.adminUser(), record.adminPassword()), format);
    }

    /** The newest rehearsal over all of a server's backups. */
    private static dev.hindsight.repo.catalog.Verification lastRehearsal(List<BackupRecord> backups) {
        return backups.stream().map(BackupRecord::verification).filter(java.util.Objects::nonNull)
                .max(Comparator.comparing(dev.hindsight.repo.catalog.Verification::at)).orElse(null);
    }
}
