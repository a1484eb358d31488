package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupRecord;

import java.time.Instant;

/**
 * How to restore: materialize {@code backup}, replay the log of {@code run} from the backup's
 * start, and stop at {@code target}. What of the run an engine stages, and how, is the engine's.
 *
 * @param run         the contiguous log from the backup's start, as far as it reached when planned
 * @param pointInTime the instant the restored server will reflect (for latest: the newest durable log)
 */
public record RestorePlan(
        String serverId,
        BackupRecord backup,
        LogChain.Run<?> run,
        RestoreRequest target,
        Instant pointInTime) {
}
