package dev.hindsight.control;

import dev.hindsight.engine.ServerProfile;
import dev.hindsight.engine.ServerSpec;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A server on this host as the control database knows it: the host-local facts the repository
 * does not hold.
 *
 * @param dir             holds {@code data/} (the data directory) and {@code run/} (socket, log)
 * @param state           what the daemon last saw or did
 * @param attachedDataDir for a server Hindsight did not create (attached): its own data directory,
 *                        which Hindsight only reads; null for a managed server
 */
public record ManagedServer(String name, String id, String engine, int port, Path dir, ServerState state,
                            Instant createdAt, Path attachedDataDir) {
    public ManagedServer(String name, String id, String engine, int port, Path dir, ServerState state,
                         Instant createdAt) {
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

    /** The server as its engine needs to know it. */
    public ServerSpec spec() {
        return new ServerSpec(id, name, port, dataDir(), runDir());
    }

    /** The server as its engine needs to know it to configure it: with the tier and firewall rules of its record. */
    public ServerSpec spec(ServerProfile profile) {
        return spec().withProfile(profile);
    }

    public ManagedServer withState(ServerState next) {
        return new ManagedServer(name, id, engine, port, dir, next, createdAt, attachedDataDir);
    }
}
