package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.BackupStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what a server's retention policy keeps and deletes, as a pure function of its
 * backups, its stored log and {@code now}. Everything needed to restore to any point of the
 * window [now − retention, now] stays: the newest restorable backup (a full, or a differential
 * whose full is there) that was consistent before the window started (the anchor), every backup
 * after it, the full of every differential kept, and all WAL from the anchor's start on. Older
 * backups and the WAL before the anchor go, in whole sets: a differential goes with its full. A
 * backup that is still running is never touched, nor is the full it rests on; a failed one is
 * deleted once it started before the window (it restores nothing).
 * A full held by long-term retention stays until its hold ends, with the WAL from its start to its
 * stop position, so it restores to its consistent point on its own.
 * Nothing the storage still holds immutable is deleted: such a backup, or log object, stays until
 * its protection has ended, and the plan says so.
 */
public final class RetentionPlanner {
    /** Between a log object's stored time and its protection's start: its upload and commit. */
    static final Duration IMMUTABILITY_MARGIN = Duration.ofHours(1);

    private RetentionPlanner() {
    }

    /** The plan for any engine's log, kept or deleted a whole unit of it at a time. */
    public static <P extends Position> RetentionPlan plan(List<BackupRecord> backups, LogChain<P> log,
                                                          RetentionPolicy policy, Instant now) {
        Instant windowStart = now.minus(policy.window());
        BackupChain chain = new BackupChain(backups);
        Optional<BackupRecord> anchor = anchor(backups, chain, windowStart);

        List<RetentionPlan.Decision<BackupRecord>> keep = new ArrayList<>();
        List<RetentionPlan.Decision<BackupRecord>> delete = new ArrayList<>();
        for (BackupRecord b : backups.stream().sorted(Comparator.comparing(BackupRecord::startedAt)).toList()) {
            if (b.status() == BackupStatus.RUNNING) {
                keep.add(new RetentionPlan.Decision<>(b, "still running"));
            } else if (b.status() == BackupStatus.FAILED) {
                if (b.startedAt().isBefore(windowStart)) {
                    delete.add(new RetentionPlan.Decision<>(b, "failed, and started before the window ("
                            + windowStart + ")"));
                } else {
                    keep.add(new RetentionPlan.Decision<>(b, "failed inside the window: kept for inspection"));
                }
            } else if (!chain.restorable(b)) {
                delete.add(new RetentionPlan.Decision<>(b, "its full backup " + b.baseBackupId() + " is gone"));
            } else if (b.heldAt(now) && b.consistentAt().isBefore(anchor.orElseThrow().consistentAt())) {
                keep.add(new RetentionPlan.Decision<>(b, "long-term retention (" + b.ltr().kind() + ") until "
                        + b.ltr().until()));
            } else if (b.equals(anchor.orElse(null))) {
                keep.add(new RetentionPlan.Decision<>(b, b.consistentAt().isAfter(windowStart)
                        ? "oldest backup; the window reaches back before it"
                        : "newest backup consistent before the window start " + windowStart
                        + ": restores to the window's first moments rest on it"));
            } else if (b.consistentAt().isAfter(anchor.orElseThrow().consistentAt())) {
                keep.add(new RetentionPlan.Decision<>(b, "newer than the anchor " + anchor.get().id()));
            } else {
                delete.add(new RetentionPlan.Decision<>(b, "older than the anchor " + anchor.get().id()
                        + ", which covers the whole window"));
            }
        }

        keepImmutable(keep, delete, now);
        keepBasesOfKeptDifferentials(keep, delete);

        List<RetentionPlan.Decision<StoredLog>> deleteLogs = new ArrayList<>();
        if (anchor.isPresent()) {
            String start = anchor.get().startPosition();
            long startUnit = log.unitOf(log.position(start));
            List<long[]> heldRanges = ownLogRanges(keep, log, now);
            for (StoredLog f : log.objects()) {
                long unit = f.unit();
                boolean held = heldRanges.stream().anyMatch(r -> unit >= r[0] && unit <= r[1]);
                if (unit < startUnit && !held) {
                    deleteLogs.add(new RetentionPlan.Decision<>(f, "before " + start + ", where the anchor "
                            + anchor.get().id() + " starts replaying"));
                }
            }
        }
        List<RetentionPlan.Decision<StoredLog>> lockedLogs = keepImmutableLog(deleteLogs, policy, now);
        return new RetentionPlan(windowStart, anchor, keep, delete, deleteLogs, lockedLogs,
                anchor.map(BackupRecord::consistentAt));
    }

    /**
     * The plan for a deleted server: while its window [now − retention, now] still reaches its
     * deletion, what a live server's plan keeps (every point from the window's start to the
     * deletion stays restorable); once it has passed, nothing restores any more but the fulls
     * long-term retention holds, which stay with their own log until their holds end.
     */
    public static <P extends Position> RetentionPlan planDeleted(List<BackupRecord> backups, LogChain<P> log,
                                                                 RetentionPolicy policy, Instant deletedAt,
                                                                 Instant now) {
        Instant windowStart = now.minus(policy.window());
        if (!windowStart.isAfter(deletedAt)) {
            return plan(backups, log, policy, now);
        }
        List<RetentionPlan.Decision<BackupRecord>> keep = new ArrayList<>();
        List<RetentionPlan.Decision<BackupRecord>> delete = new ArrayList<>();
        for (BackupRecord b : backups.stream().sorted(Comparator.comparing(BackupRecord::startedAt)).toList()) {
            if (b.isCompleted() && b.heldAt(now)) {
                keep.add(new RetentionPlan.Decision<>(b, "long-term retention (" + b.ltr().kind() + ") until "
                        + b.ltr().until() + "; the server was deleted at " + deletedAt));
            } else {
                delete.add(new RetentionPlan.Decision<>(b, "the server was deleted at " + deletedAt
                        + " and its retention window has passed it (it starts at " + windowStart + ")"));
            }
        }
        keepImmutable(keep, delete, now);
        keepBasesOfKeptDifferentials(keep, delete);
        List<long[]> heldRanges = ownLogRanges(keep, log, now);
        List<RetentionPlan.Decision<StoredLog>> deleteLogs = new ArrayList<>();
        for (StoredLog f : log.objects()) {
            long unit = f.unit();
            if (heldRanges.stream().noneMatch(r -> unit >= r[0] && unit <= r[1])) {
                deleteLogs.add(new RetentionPlan.Decision<>(f, "the server was deleted and its window has passed"));
            }
        }
        List<RetentionPlan.Decision<StoredLog>> lockedLogs = keepImmutableLog(deleteLogs, policy, now);
        return new RetentionPlan(windowStart, Optional.empty(), keep, delete, deleteLogs, lockedLogs,
                Optional.empty());
    }

    /** The newest restorable backup consistent before the window starts, or the oldest if none is. */
    private static Optional<BackupRecord> anchor(List<BackupRecord> backups, BackupChain chain, Instant windowStart) {
        List<BackupRecord> completed = backups.stream().filter(chain::restorable)
                .sorted(Comparator.comparing(BackupRecord::consistentAt)).toList();
        return completed.stream().filter(b -> !b.consistentAt().isAfter(windowStart)).reduce((a, b) -> b)
                .or(() -> completed.stream().findFirst());
    }

    /**
     * The ids of the backups a plan keeps for long-term retention alone: held fulls older than the
     * anchor (the window does not need them). Storage use counts them apart.
     */
    public static Set<String> keptForLongTermOnly(List<BackupRecord> backups, RetentionPolicy policy, Instant now) {
        BackupChain chain = new BackupChain(backups);
        Optional<BackupRecord> anchor = anchor(backups, chain, now.minus(policy.window()));
        if (anchor.isEmpty()) {
            return Set.of();
        }
        return backups.stream().filter(b -> b.isCompleted() && chain.restorable(b) && b.heldAt(now)
                        && b.consistentAt().isBefore(anchor.get().consistentAt()))
                .map(BackupRecord::id).collect(Collectors.toSet());
    }

    /**
     * The log units each kept full that stands outside the window needs to be restored on its own
     * (from its start to its stop): those long-term retention holds and those the storage still
     * holds immutable. Without them such a backup would be kept but could not be restored.
     */
    private static <P extends Position> List<long[]> ownLogRanges(List<RetentionPlan.Decision<BackupRecord>> keep,
                                                                  LogChain<P> log, Instant now) {
        return keep.stream().map(RetentionPlan.Decision::item)
                .filter(b -> b.isCompleted() && (b.heldAt(now) || b.immutableAt(now)))
                .map(b -> new long[]{log.unitOf(log.position(b.startPosition())),
                        log.unitOf(log.position(b.stopPosition()))})
                .toList();
    }

    /** Moves every backup the storage still holds immutable from delete to keep. */
    private static void keepImmutable(List<RetentionPlan.Decision<BackupRecord>> keep,
                                      List<RetentionPlan.Decision<BackupRecord>> delete, Instant now) {
        for (RetentionPlan.Decision<BackupRecord> d : List.copyOf(delete)) {
            if (d.item().immutableAt(now)) {
                delete.remove(d);
                keep.add(new RetentionPlan.Decision<>(d.item(), "immutable until " + d.item().immutableUntil()
                        + ": the storage refuses to delete it before then (it would go now: " + d.reason() + ")"));
            }
        }
    }

    /**
     * Takes out of {@code deleteLogs} the objects stored less than the immutability period ago
     * (and a margin: the storage's protection began moments after the object was stored) and
     * returns them, each with when it may go.
     */
    private static List<RetentionPlan.Decision<StoredLog>> keepImmutableLog(
            List<RetentionPlan.Decision<StoredLog>> deleteLogs, RetentionPolicy policy, Instant now) {
        List<RetentionPlan.Decision<StoredLog>> locked = new ArrayList<>();
        if (policy.immutability().isZero()) {
            return locked;
        }
        for (RetentionPlan.Decision<StoredLog> d : List.copyOf(deleteLogs)) {
            Instant until = d.item().storedAt().plus(policy.immutability()).plus(IMMUTABILITY_MARGIN);
            if (until.isAfter(now)) {
                deleteLogs.remove(d);
                locked.add(new RetentionPlan.Decision<>(d.item(), "immutable until about " + until
                        + " (it would go now: " + d.reason() + ")"));
            }
        }
        return locked;
    }

    /**
     * Moves the full of every kept (or running) differential from delete to keep: a kept backup
     * never loses what it needs.
     */
    private static void keepBasesOfKeptDifferentials(List<RetentionPlan.Decision<BackupRecord>> keep,
                                                     List<RetentionPlan.Decision<BackupRecord>> delete) {
        for (RetentionPlan.Decision<BackupRecord> kept : List.copyOf(keep)) {
            String base = kept.item().baseBackupId();
            if (base == null || kept.item().status() == BackupStatus.FAILED) {
                continue;
            }
            for (RetentionPlan.Decision<BackupRecord> d : List.copyOf(delete)) {
                if (d.item().id().equals(base)) {
                    delete.remove(d);
                    keep.add(new RetentionPlan.Decision<>(d.item(), "the full backup differential "
                            + kept.item().id() + " rests on"));
                }
            }
        }
    }
}
