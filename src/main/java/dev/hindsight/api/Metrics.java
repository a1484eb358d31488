package dev.hindsight.api;

import dev.hindsight.control.ControlDb;
import dev.hindsight.control.Operation;
import dev.hindsight.control.RestoreOutcome;
import dev.hindsight.control.ServerView;
import dev.hindsight.control.ServerViews;
import dev.hindsight.control.UsageService;
import dev.hindsight.plan.UsageReport;
import dev.hindsight.repo.Healer;
import dev.hindsight.repo.catalog.BackupRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's Prometheus metrics ({@code GET /metrics}). A scrape only formats what the daemon
 * keeps: {@link #refresh} reads the servers' state (and, less often, their storage use) on the
 * daemon's own loop, so that however often Prometheus asks, the repository is not listed for it.
 * <ul>
 *   <li>per server: age of the last full, differential and backup, log capture lag in time and
 *       in bytes not yet durable, earliest and latest restore point and the window between
 *       them, backup storage by type, the free allowance and the billable excess, geo lag in
 *       time and bytes; durations of its operations (backups, restores into it, creates) by kind
 *       and result, which count its failures too, and the bytes its backups and restores moved;</li>
 *   <li>per daemon: finished operations by kind and result, repairs and failed repairs, API
 *       requests by route and status.</li>
 * </ul>
 */
public final class Metrics {
    /** Storage use means summing every object's size: a few times an hour is plenty for a figure billed monthly. */
    static final Duration USAGE_EVERY = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);
    /** Operation kinds whose failures alerts watch. */
    private static final List<String> FAILURES_WATCHED = List.of("backup", "rehearsal", "restore", "verify");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServerViews views;
    private final UsageService usage;
    private final ControlDb db;
    private final Clock clock;
    private final Map<String, ServerView> servers = new ConcurrentHashMap<>();
    private final Map<String, UsageReport> usages = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private final Map<String, Long> operations = new ConcurrentHashMap<>();
    private Instant usageAt = Instant.EPOCH;

    public Metrics(ServerViews views, UsageService usage, ControlDb db, Healer healer, Clock clock) {
        this.views = views;
        this.usage = usage;
        this.db = db;
        this.clock = clock;
        FunctionCounter.builder("hindsight_repairs", healer, Healer::repairedCount)
                .description("damaged or missing object copies repaired from a good copy").register(registry);
        FunctionCounter.builder("hindsight_repair_failures", healer, Healer::failedCount)
                .description("damaged or missing object copies that could not be repaired").register(registry);
        // failures exist as series from the start, at 0: else the first one would appear already at
        // 1 and increase() in the alert rules would not see it
        for (String kind : FAILURES_WATCHED) {
            if (operations.putIfAbsent(kind + " failed", 0L) == null) {
                registerOperationCounter(kind + " failed");
            }
        }
    }

    private void registerOperationCounter(String kindStatus) {
        String[] parts = kindStatus.split(" ", 2);
        FunctionCounter.builder("hindsight_operations", operations, m -> m.getOrDefault(kindStatus, 0L))
                .tag("kind", parts[0]).tag("result", parts[1])
                .description("finished operations (backups, restores, verify, creates) by result")
                .register(registry);
    }

    /** Reads the state the figures come from; the daemon calls it on its loop. */
    public synchronized void refresh() {
        Instant now = clock.instant();
        boolean usageDue = !now.isBefore(usageAt.plus(USAGE_EVERY));
        try {
            Map<String, ServerView> seen = new HashMap<>();
            for (ServerView view : views.list()) {
                seen.put(view.name(), view);
            }
            for (String gone : new ArrayList<>(servers.keySet())) {
                if (!seen.containsKey(gone)) {
                    meters.remove(gone).forEach(registry::remove);
                    servers.remove(gone);
                    usages.remove(gone);
                }
            }
            for (ServerView view : seen.values()) {
                boolean known = servers.put(view.name(), view) != null;
                if (!known) {
                    register(view.name());
                }
                if (usageDue || !usages.containsKey(view.name())) {
                    usages.put(view.name(), usage.usage(view.name()));
                }
            }
            if (usageDue) {
                usageAt = now;
            }
            db.operationCounts().forEach((kindStatus, n) -> {
                if (operations.put(kindStatus, n) == null) {
                    registerOperationCounter(kindStatus);
                }
            });
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("metrics: cannot read the servers' state: {}", e.getMessage());
        }
    }

    /** The current figures in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Counts one API request, by the route it matched ("unmatched" for none) and its status. */
    void countRequest(String method, String route, int status) {
        Counter.builder("hindsight_api_requests").tag("method", method).tag("route", route)
                .tag("status", String.valueOf(status)).description("API requests answered")
                .register(registry).increment();
    }

    /**
     * Records an operation that has ended: its duration by kind and result (so failures by kind
     * are its count with result="failed"), and the bytes a backup or restore moved. Operations
     * are few, so these are kept from the daemon's start rather than read back from its database.
     */
    public void recordOperation(Operation operation, Object result) {
        if (operation.finishedAt() == null) {
            return;
        }
        Timer.builder("hindsight_operation_duration_seconds").tag("kind", operation.kind())
                .tag("result", operation.status()).tag("server", String.valueOf(operation.target()))
                .description("how long operations took, by kind and result, since the daemon started")
                .register(registry).record(Duration.between(operation.startedAt(), operation.finishedAt()));
        long bytes = result instanceof BackupRecord b ? b.logicalBytes()
                : result instanceof RestoreOutcome r ? r.backupBytes() : -1;
        if (bytes >= 0) {
            DistributionSummary.builder("hindsight_operation_bytes").baseUnit("bytes").tag("kind", operation.kind())
                    .tag("server", String.valueOf(operation.target()))
                    .description("data bytes a successful backup read or a restore put back, before compression")
                    .register(registry).record(bytes);
        }
    }

    private void register(String server) {
        List<Meter> list = new ArrayList<>();
        list.add(gauge("hindsight_log_capture_lag_seconds", server, v -> orNaN(v.logCaptureLagSeconds()),
                "how far the durable log is behind the server's writes (the RPO now)"));
        list.add(gauge("hindsight_last_full_backup_age_seconds", server, v -> age(v.lastFullBackupAt()),
                "time since the last successful full backup ended"));
        list.add(gauge("hindsight_last_differential_backup_age_seconds", server,
                v -> age(v.lastDifferentialBackupAt()), "time since the last successful differential backup ended"));
        list.add(gauge("hindsight_log_capture_pending_bytes", server, v -> v.logCapturePendingBytes() == null
                        ? Double.NaN : v.logCapturePendingBytes(),
                "log received from the server but not yet durable in every synchronous copy"));
        list.add(gauge("hindsight_full_backup_interval_seconds", server, v -> interval(v.fullBackupInterval()),
                "how often a full backup is due (the overdue alert compares the age with it)"));
        list.add(gauge("hindsight_last_backup_age_seconds", server, v -> age(v.lastBackupAt()),
                "time since the last successful backup (full or differential) ended"));
        list.add(gauge("hindsight_earliest_restore_point_timestamp_seconds", server,
                v -> epoch(v.earliestRestorePoint()), "the earliest point a restore can reach"));
        list.add(gauge("hindsight_latest_restore_point_timestamp_seconds", server,
                v -> epoch(v.latestRestorePoint()), "the latest point a restore can reach"));
        list.add(gauge("hindsight_restore_window_seconds", server, v -> v.earliestRestorePoint() == null
                        || v.latestRestorePoint() == null ? Double.NaN
                        : Duration.between(v.earliestRestorePoint(), v.latestRestorePoint()).toMillis() / 1000.0,
                "length of the window a restore can reach"));
        list.add(gauge("hindsight_geo_lag_seconds", server, v -> orNaN(v.geoLagSeconds()),
                "everything stored before now minus this is in the geo copy"));
        list.add(gauge("hindsight_geo_behind_bytes", server,
                v -> v.geoBehindBytes() == null ? Double.NaN : v.geoBehindBytes(),
                "bytes not yet in the geo copy at the copier's last look"));
        for (String type : new String[]{"full", "differential", "log", "ltr"}) {
            list.add(Gauge.builder("hindsight_backup_storage_bytes", usages, m -> {
                        UsageReport u = m.get(server);
                        return u == null ? Double.NaN : (switch (type) {
                            case "full" -> u.full();
                            case "differential" -> u.differential();
                            case "ltr" -> u.ltr();
                            default -> u.log();
                        }).storedBytes();
                    }).tag("server", server).tag("type", type)
                    .description("backup storage used, as stored (compressed, every copy counted once)")
                    .register(registry));
        }
        list.add(gauge("hindsight_last_rehearsal_timestamp_seconds", server, v -> v.lastRehearsal() == null
                        ? Double.NaN : v.lastRehearsal().at().getEpochSecond(),
                "when the newest restore rehearsal ended (Unix time); NaN before the first"));
        list.add(gauge("hindsight_last_rehearsal_success", server, v -> v.lastRehearsal() == null ? Double.NaN
                        : v.lastRehearsal().passed() ? 1 : 0,
                "1 if the newest restore rehearsal restored and passed the integrity check, 0 if it failed"));
        list.add(gauge("hindsight_last_rehearsal_duration_seconds", server, v -> v.lastRehearsal() == null
                        ? Double.NaN : v.lastRehearsal().duration() / 1000.0,
                "how long the newest restore rehearsal took"));
        // a server's first failed rehearsal must be an increase the alert sees, not a series born at 1
        list.add(Timer.builder("hindsight_operation_duration_seconds").tag("kind", "rehearsal").tag("result", "failed")
                .tag("server", server).description("how long operations took, by kind and result, since the daemon started")
                .register(registry));
        list.add(usageGauge("hindsight_backup_storage_allowance_bytes", server, UsageReport::allowanceBytes,
                "backup storage included free (the server's provisioned storage size)"));
        list.add(usageGauge("hindsight_backup_storage_billable_bytes", server, UsageReport::billableBytes,
                "backup storage beyond the free allowance"));
        list.add(usageGauge("hindsight_backup_storage_immutable_bytes", server, UsageReport::immutableBytes,
                "backup storage the storage itself holds immutable now: no purge can free it yet"));
        meters.put(server, list);
    }

    private Meter gauge(String name, String server, ToDoubleFunction<ServerView> value, String description) {
        return Gauge.builder(name, servers, m -> {
            ServerView v = m.get(server);
            return v == null ? Double.NaN : value.applyAsDouble(v);
        }).tag("server", server).description(description).register(registry);
    }

    private Meter usageGauge(String name, String server, ToDoubleFunction<UsageReport> value, String description) {
        return Gauge.builder(name, usages, m -> {
            UsageReport u = m.get(server);
            return u == null ? Double.NaN : value.applyAsDouble(u);
        }).tag("server", server).description(description).register(registry);
    }

    private double age(Instant at) {
        return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
    }

    private static double interval(String iso) {
        try {
            return iso == null ? Double.NaN : Duration.parse(iso).toSeconds();
        } catch (java.time.format.DateTimeParseException e) {
            return Double.NaN;
        }
    }

    private static double epoch(Instant at) {
        return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
