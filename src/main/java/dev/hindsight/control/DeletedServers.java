package dev.hindsight.control;

import dev.hindsight.engine.Engines;
import dev.hindsight.engine.ServerPlans;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The deleted servers a repository still holds backups of: listed, shown, and found as a
 * restore's source. Two deleted servers of one name are told apart by their deletion time.
 */
public record DeletedServers(Repository repository, Engines engines) {
    public List<DeletedServerView> list() throws IOException {
        List<DeletedServerView> out = new ArrayList<>();
        Catalog catalog = repository.catalog();
        for (ServerRecord r : catalog.deletedServers()) {
            if (!catalog.backupsOf(r.id()).isEmpty()) { // purged down to nothing: nothing left to restore
                out.add(view(repository, r));
            }
        }
        return out;
    }

    public DeletedServerView show(String name, Instant deletedAt) throws IOException {
        return view(repository, find(repository.catalog(), name, deletedAt));
    }

    /** The deleted server of that name (the one deleted at {@code deletedAt} if several were). */
    public static ServerRecord find(Catalog catalog, String name, Instant deletedAt) {
        Validation.serverName(name);
        List<ServerRecord> named = catalog.deletedServers().stream().filter(s -> s.name().equals(name)).toList();
        if (named.isEmpty()) {
            throw HindsightException.notFound("no deleted server named " + name + " has backups in the repository",
                    "list them with `hindsight server list --deleted`");
        }
        if (deletedAt != null) {
            return named.stream().filter(s -> s.deletedAt().equals(deletedAt)).findFirst()
                    .orElseThrow(() -> HindsightException.notFound("no server named " + name + " was deleted at "
                            + deletedAt, "it was deleted at " + times(named) + "; give one of those as --deleted-at"));
        }
        if (named.size() > 1) {
            throw HindsightException.conflict(named.size() + " servers named " + name + " were deleted (at "
                    + times(named) + ")", "say which with --deleted-at (deletedAt in the API)");
        }
        return named.get(0);
    }

    private static String times(List<ServerRecord> named) {
        return String.join(", ", named.stream().map(s -> s.deletedAt().toString()).toList());
    }

    private DeletedServerView view(Repository from, ServerRecord r) throws IOException {
        Optional<RestoreWindow> window = ServerPlans.window(engines.get(r.engine()), from, r, r.finalLogAt());
        return new DeletedServerView(r.name(), r.id(), r.engine(), r.engineVersion(), r.createdAt(), r.deletedAt(),
                r.finalLogAt() != null, window.map(RestoreWindow::earliest).orElse(null),
                window.map(RestoreWindow::latest).orElse(null), r.retentionDays(),
                r.deletedAt().plus(Duration.ofDays(r.retentionDays())), r.ltr());
    }
}
