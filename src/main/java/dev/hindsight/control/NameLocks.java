package dev.hindsight.control;

import dev.hindsight.repo.Repository;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Server names being created, restored or deleted right now: one such request per name at a time. */
public final class NameLocks {
    private final ControlDb db;
    private final Repository repository;
    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    public NameLocks(ControlDb db, Repository repository) {
        this.db = db;
        this.repository = repository;
    }

    /** Takes the name of an existing server for one delete; fails if another request holds it. */
    void lock(String name) {
        if (!busy.add(name)) {
            throw HindsightException.conflict("server " + name + " is being created, restored or deleted right now",
                    "wait for that to finish");
        }
    }

    /** Takes a name that no server has yet, on this host or in the repository. */
    void claim(String name) throws IOException {
        lock(name);
        try {
            if (db.server(name).isPresent() || repository.catalog().liveServerNamed(name).isPresent()) {
                throw HindsightException.conflict("a server named " + name + " already exists",
                        "choose another name, or delete the existing server first");
            }
        } catch (IOException | RuntimeException e) {
            busy.remove(name);
            throw e;
        }
    }

    void release(String name) {
        busy.remove(name);
    }
}
