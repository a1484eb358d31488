package dev.hindsight.engine.postgres;

import dev.hindsight.plan.RestorePlan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The WAL segments a PostgreSQL restore stages for a plan, in order (all exist and are
 * contiguous), and every timeline its log run spans: to a backup or the earliest point, up to
 * the backup's stop position; to the latest, the whole run; to a time, until a segment that
 * reaches past the backup's stop was durable a margin after the target.
 */
record WalStaging(List<WalChain.Segment> segments, List<Integer> timelines) {
    /**
     * WAL is staged until this long past the target: a commit made just before the target may
     * reach the repository a moment after it, and recovery stops at the target by itself.
     */
    static final Duration STAGING_MARGIN = Duration.ofSeconds(2);

    static WalStaging of(RestorePlan plan) {
        if (!(plan.run() instanceof WalChain.Run run)) {
            throw new IllegalArgumentException("not a PostgreSQL restore plan: its log is " + plan.run());
        }
        Lsn stop = Lsn.parse(plan.backup().stopPosition());
        List<WalChain.Segment> segments = switch (plan.target().kind()) {
            case BACKUP, EARLIEST -> upTo(run, stop);
            case LATEST -> run.segments();
            case TIME -> untilDurable(run, stop, plan.pointInTime().plus(STAGING_MARGIN));
        };
        List<Integer> timelines = run.segments().stream().map(WalChain.Segment::timeline).distinct().sorted()
                .toList();
        return new WalStaging(segments, timelines);
    }

    private static List<WalChain.Segment> upTo(WalChain.Run run, Lsn stop) {
        List<WalChain.Segment> segments = new ArrayList<>();
        for (WalChain.Segment s : run.segments()) {
            segments.add(s);
            if (!s.end().isBefore(stop)) {
                break;
            }
        }
        return List.copyOf(segments);
    }

    private static List<WalChain.Segment> untilDurable(WalChain.Run run, Lsn stop, Instant stageUntil) {
        List<WalChain.Segment> staged = new ArrayList<>();
        for (WalChain.Segment s : run.segments()) {
            staged.add(s);
            if (!s.end().isBefore(stop) && !s.durableAt().isBefore(stageUntil)) {
                break;
            }
        }
        return List.copyOf(staged);
    }
}
