package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupRecord;

import java.time.Instant;
import java.util.List;

/**
 * How to restore: materialize {@code backup}, stage the listed WAL segments, and recover to
 * {@code target}.
 *
 * @param segments    the WAL segments to stage, in order (all of them exist and are contiguous)
 * @param timelines   every timeline the segments span (their history files are staged too)
 * @param pointInTime the instant the restored server will reflect (for latest: the newest durable WAL)
 */
public record RestorePlan(
        String serverId,
        BackupRecord backup,
        List<WalChain.Segment> segments,
        List<Integer> timelines,
        RestoreRequest target,
        Instant pointInTime) {
}
