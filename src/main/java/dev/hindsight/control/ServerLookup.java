package dev.hindsight.control;

import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.util.List;

/**
 * Finds a server by the name users type: its row on this host (the control database) and its
 * record in the repository's catalog. A name neither knows is one error, worded the same everywhere.
 */
public record ServerLookup(ControlDb db, Repository repository) {
    /** Every server of this host. */
    public List<ManagedServer> all() {
        return db.servers();
    }

    public ManagedServer managed(String name) {
        Validation.serverName(name);
        return db.server(name).orElseThrow(() -> notFound(name));
    }

    /** The catalog record of a server of this host. */
    public ServerRecord live(String name) throws IOException {
        ManagedServer host = managed(name);
        return repository.catalog().server(host.id()).orElseThrow(() -> notFound(name));
    }

    static HindsightException notFound(String name) {
        return HindsightException.notFound("no server named " + name + " on this host",
                "list servers with `hindsight server list`");
    }
}
