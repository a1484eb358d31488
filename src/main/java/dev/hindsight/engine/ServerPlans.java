package dev.hindsight.engine;

import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestorePlanner;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.plan.RestoreWindow;
import dev.hindsight.plan.RetentionPlan;
import dev.hindsight.plan.RetentionPlanner;
import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * What the pure planners decide for one server, for any engine: its catalog backups and the log
 * chain its engine's log source reads from the repository, handed to {@link RestorePlanner} and
 * {@link RetentionPlanner}.
 */
public final class ServerPlans {
    private ServerPlans() {
    }

    /**
     * The server's restore window according to the repository, or empty if nothing is restorable yet.
     *
     * @param caughtUpAt when the live capture last held everything the server wrote (null: unknown)
     */
    public static Optional<RestoreWindow> window(Engine engine, Repository repository, ServerRecord record,
                                                 Instant caughtUpAt) throws IOException {
        return RestorePlanner.window(repository.catalog().backupsOf(record.id()),
                engine.logs().chain(repository, record.id()), caughtUpAt);
    }

    public static RestorePlan restore(Engine engine, Repository repository, ServerRecord record,
                                      RestoreRequest request, Instant caughtUpAt, Instant now) throws IOException {
        return RestorePlanner.plan(record.name(), record.id(), repository.catalog().backupsOf(record.id()),
                engine.logs().chain(repository, record.id()), caughtUpAt, request, now);
    }

    /** What a deleted server's retention keeps and deletes at {@code now}. */
    public static RetentionPlan retentionOfDeleted(Engine engine, Repository repository, ServerRecord record,
                                                   Instant now) throws IOException {
        return RetentionPlanner.planDeleted(repository.catalog().backupsOf(record.id()),
                engine.logs().chain(repository, record.id()), new RetentionPolicy(record.retentionDays(), record.immutability()),
                record.deletedAt(), now);
    }

    /** What the server's retention policy keeps and deletes at {@code now}. */
    public static RetentionPlan retention(Engine engine, Repository repository, ServerRecord record, Instant now)
            throws IOException {
        return RetentionPlanner.plan(repository.catalog().backupsOf(record.id()),
                engine.logs().chain(repository, record.id()), new RetentionPolicy(record.retentionDays(), record.immutability()), now);
    }
}
