package dev.hindsight.jobs;

import dev.hindsight.engine.Engine;
import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The log captures the daemon runs, one per server, keyed by server id. */
public final class CaptureManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CaptureManager.class);

    private final Repository repository;
    private final Map<String, LogCapture> captures = new ConcurrentHashMap<>();

    public CaptureManager(Repository repository) {
        this.repository = repository;
    }

    public void start(Engine engine, ServerRecord record, ServerSpec server) {
        captures.computeIfAbsent(record.id(), id -> {
            log.info("Starting log capture for server {} ({})", record.name(), id);
            return engine.logs().capture(record, server, repository);
        });
    }

    public Optional<LogCapture> capture(String serverId) {
        return Optional.ofNullable(captures.get(serverId));
    }

    public void stop(String serverId) {
        LogCapture capture = captures.remove(serverId);
        if (capture != null) {
            capture.close();
        }
    }

    @Override
    public void close() {
        captures.keySet().forEach(this::stop);
    }
}
