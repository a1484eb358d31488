package dev.hindsight.control;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A server on this host as the control database knows it: the host-local facts the repository
 * does not hold.
 *
 * @param dir   holds {@code data/} (the data directory) and {@code run/} (socket, log)
 * @param state what the supervisor last saw or did: provisioning, running, restarting, stopped, failed
 */
public record ManagedServer(String name, String id, String engine, int port, Path dir, String state,
                            Instant createdAt) {
    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path runDir() {
        return dir.resolve("run");
    }

    public ManagedServer withState(String next) {
        return new ManagedServer(name, id, engine, port, dir, next, createdAt);
    }
}
