package dev.hindsight.api;

import dev.hindsight.control.ServerView;
import dev.hindsight.control.ServerViews;
import dev.hindsight.repo.Healer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's Prometheus metrics ({@code GET /metrics}): per server, the log capture's lag and
 * the geo copy's lag in time and bytes; for the repository, the copies repaired by self-healing
 * reads and verify, and the repairs that failed.
 */
public final class Metrics {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServerViews views;
    private final Map<String, ServerView> latest = new ConcurrentHashMap<>();

    public Metrics(ServerViews views, Healer healer) {
        this.views = views;
        FunctionCounter.builder("hindsight_repairs", healer, Healer::repairedCount)
                .description("damaged or missing object copies repaired from a good copy").register(registry);
        FunctionCounter.builder("hindsight_repair_failures", healer, Healer::failedCount)
                .description("damaged or missing object copies that could not be repaired").register(registry);
    }

    /** The current figures in Prometheus' text format. */
    public String scrape() {
        try {
            for (ServerView view : views.list()) {
                boolean known = latest.put(view.name(), view) != null;
                if (!known) {
                    gauge("hindsight_log_capture_lag_seconds", view.name(), v -> orNaN(v.logCaptureLagSeconds()),
                            "how far the durable log is behind the server's writes");
                    gauge("hindsight_geo_lag_seconds", view.name(), v -> orNaN(v.geoLagSeconds()),
                            "everything stored before now minus this is in the geo copy");
                    gauge("hindsight_geo_behind_bytes", view.name(),
                            v -> v.geoBehindBytes() == null ? Double.NaN : v.geoBehindBytes(),
                            "bytes not yet in the geo copy at the copier's last look");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("metrics: cannot read the servers' state: {}", e.getMessage());
        }
        return registry.scrape();
    }

    private void gauge(String name, String server, ToDoubleFunction<ServerView> value, String description) {
        Gauge.builder(name, latest, m -> {
            ServerView v = m.get(server);
            return v == null ? Double.NaN : value.applyAsDouble(v);
        }).tag("server", server).description(description).register(registry);
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
