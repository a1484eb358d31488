package dev.hindsight.control;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A server on this host as the control database knows it: the host-local facts the repository
 * does not hold.
 *
 * @param dir             holds {@code data/} (the data directory) and {@code run/} (socket, log)
 * @param state           what the supervisor last saw or did: provisioning, running, restarting, stopped, failed
 * @param attachedDataDir for a server Hindsight did not create (attached): its own data directory,
 *                        which Hindsight only reads; null for a managed server
 */
public record ManagedServer(String name, String id, String engine, int port, Path dir, String state,
                            Instant createdAt, Path attachedDataDir) {
    public ManagedServer(String name, String id, String engine, int port, Path dir, String state, Instant createdAt) {
        this(name, id, engine, port, dir, state, createdAt, null);
    }

    public Path dataDir() {
        return attachedDataDir != null ? attachedDataDir : dir.resolve("data");
    }

    /** Attached servers are backed up, never started, stopped or removed by Hindsight. */
    public boolean attached() {
        return attachedDataDir != null;
    }

    public Path runDir() {
        return dir.resolve("run");
    }

    public ManagedServer withState(String next) {
        return new ManagedServer(name, id, engine, port, dir, next, createdAt, attachedDataDir);
    }
}
