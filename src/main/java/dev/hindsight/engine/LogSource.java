package dev.hindsight.engine;

import dev.hindsight.plan.LogChain;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.ObjectInfo;

import java.io.IOException;
import java.util.Optional;

/** A server's transaction log: captured continuously into the repository, and read back from it as one chain. */
public interface LogSource {
    /** Starts continuous log capture into the repository (one thread; survives restarts of the server). */
    LogCapture capture(ServerRecord record, ServerSpec server, Repository repository);

    /** The log the repository holds for a server, for the planners. */
    LogChain<?> chain(Repository repository, String serverId) throws IOException;

    /**
     * How a stored object of this engine's log counts in storage usage; empty for an object that is
     * not part of it (a backup's).
     */
    Optional<LogUsage> usageOf(ObjectInfo object);

    /**
     * Removes what the engine keeps beside the log that no log left needs (PostgreSQL: WAL summaries
     * of purged WAL, pieces of sealed segments that were still immutable when sealed); returns how
     * many objects went. Runs after every purge.
     */
    int purgeLeftovers(Repository repository, String serverId) throws IOException;

    /**
     * A stored log object's share of usage: {@code objects} it counts as (0 for what only goes with the log:
     * timeline histories, WAL summaries) and the log bytes it holds before compression.
     */
    record LogUsage(int objects, long logicalBytes) {
    }

    /**
     * How fast a restore here replays this engine's log, for the replay budget: a conservative
     * figure (slower than measured on a small machine), so the budget errs on the side of a
     * differential too many.
     */
    double redoBytesPerSecond();
}
