package dev.hindsight.engine;

import java.nio.file.Path;

/**
 * A database server on this host as an engine needs to know it: which server it is, where its
 * data and run directories (socket, log, options) are, and the port it listens on. The engine
 * decides the OS user it runs as.
 *
 * @param profile the tier and firewall rules to configure it with; null where only starting,
 *                stopping or reading it (the configuration written last stays)
 */
public record ServerSpec(String id, String name, int port, Path dataDir, Path runDir, ServerProfile profile) {
    public ServerSpec(String id, String name, int port, Path dataDir, Path runDir) {
        this(id, name, port, dataDir, runDir, null);
    }

    public ServerSpec withProfile(ServerProfile next) {
        return new ServerSpec(id, name, port, dataDir, runDir, next);
    }

    /** The profile to configure with; a new server's defaults when none was given. */
    public ServerProfile profileOrDefaults() {
        return profile != null ? profile : ServerProfile.defaults();
    }
}
