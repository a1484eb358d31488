package dev.hindsight.engine;

import dev.hindsight.repo.catalog.ServerRecord;

import java.nio.file.Path;

/** A database server's life on this host: installed binaries, provisioning, start and stop, attaching, its address. */
public interface ServerLifecycle {
    /** Fails with an UNAVAILABLE error and an install hint when the engine's binaries are missing. */
    void checkInstalled();

    /**
     * Creates, configures (for the spec's profile) and starts a new server; cleans up after itself
     * if it fails midway.
     */
    Identity provision(ServerSpec server, Credentials admin, Credentials agent);

    /**
     * Checks that a server Hindsight did not create can be backed up continuously from this host;
     * fails with every shortfall and what to change. Changes nothing on the server.
     */
    Attachable checkAttachable(String connectionUri, Path dataDir);

    /** Removes what Hindsight made on an attached server (PostgreSQL: its replication slot); best effort. */
    void detach(ServerSpec server, ServerRecord record);

    /**
     * Applies the spec's profile (tier, firewall rules) to a managed server, restarting it when
     * the engine reads a changed setting only at start. The admin login is what the engine uses
     * to change its own address checks.
     */
    Reconfigured reconfigure(ServerSpec server, Credentials admin, Credentials agent);

    /** What applying a profile took. */
    enum Reconfigured {
        UNCHANGED, RELOADED, RESTARTED, AT_NEXT_START;

        /** For the user: what happened to the server. */
        public String describe() {
            return switch (this) {
                case UNCHANGED -> "the server's configuration was already so";
                case RELOADED -> "the server re-read its configuration without a restart";
                case RESTARTED -> "the server was restarted to apply it (clients were disconnected)";
                case AT_NEXT_START -> "the server is not running: it applies at its next start";
            };
        }
    }

    /**
     * Makes a streaming standby of a running managed server on this host, in {@code standby}'s
     * directories and port, and starts it; backups are then taken from it. Refused for an engine
     * that has none (yet).
     */
    default void createStandby(ServerSpec primary, ServerSpec standby, Credentials agent) {
        throw dev.hindsight.util.HindsightException.invalid("this engine cannot make a standby for backups yet",
                "backups are taken from the server itself");
    }

    /** Stops and removes a standby {@link #createStandby} made; best effort. */
    default void removeStandby(ServerSpec primary, ServerSpec standby, Credentials agent) {
    }

    /**
     * Ends the log the server is writing, for a final log backup before it is deleted: the engine
     * switches to a new WAL segment or binary log file where the login may, so that what was
     * committed is whole in units the capture seals. Returns the position every commit made
     * before the call lies before, for {@link LogCapture#awaitDurable}.
     */
    dev.hindsight.plan.Position endLog(ServerSpec server, Credentials agent);

    void start(ServerSpec server);

    void stop(ServerSpec server);

    boolean isRunning(ServerSpec server);

    /** The login to a server as a URI, a JDBC URL, or a command line of the engine's own client. */
    String connectionString(ServerSpec server, Credentials login, ConnectionFormat format);
}
