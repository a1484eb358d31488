package dev.hindsight.daemon;

import dev.hindsight.control.ControlDb;
import dev.hindsight.control.ManagedServer;
import dev.hindsight.control.Restarts;
import dev.hindsight.control.ServerState;
import dev.hindsight.engine.Engine;
import dev.hindsight.engine.Engines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps managed servers running: a server the daemon should run that is not running is
 * started again, and the event is logged. One pass per call; the daemon calls it every few seconds.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final ControlDb db;
    private final Engines engines;
    private final Restarts restarts;

    public Supervisor(ControlDb db, Engines engines, Restarts restarts) {
        this.db = db;
        this.engines = engines;
        this.restarts = restarts;
    }

    /** Re-read just before acting: a delete marks the server before it stops it. */
    private boolean stillSupervised(String name) {
        return db.server(name).map(s -> s.state().supervised()).orElse(false);
    }

    public void pass() {
        for (ManagedServer server : db.servers()) {
            if (server.attached() || !server.state().supervised()) {
                continue;
            }
            restarts.unlessRestarting(server.name(), () -> keepRunning(server));
        }
    }

    private void keepRunning(ManagedServer server) {
        Engine engine = engines.get(server.engine());
        try {
            if (!engine.lifecycle().isRunning(server.spec()) && stillSupervised(server.name())) {
                log.warn("Server {} is not running; starting it again", server.name());
                engine.lifecycle().start(server.spec());
                db.setServerState(server.name(), ServerState.RUNNING);
                log.info("Server {} is running again", server.name());
            }
        } catch (RuntimeException e) {
            log.error("Could not start server {}: {}", server.name(), e.getMessage());
            db.setServerState(server.name(), ServerState.FAILED);
        }
    }
}
