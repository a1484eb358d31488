package dev.hindsight.plan;

import dev.hindsight.util.HindsightException;
import dev.hindsight.engine.postgres.Lsn;
import dev.hindsight.engine.postgres.WalFile;
import dev.hindsight.repo.catalog.BackupRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides how to restore a server to a point: the newest completed backup that was consistent
 * before the target (a full, or a differential whose full is there: restoring it reads both),
 * and the contiguous WAL from its start up to the target.
 * A pure function of the catalog's backups, the WAL inventory, and {@code now}.
 */
public final class RestorePlanner {
    /**
     * WAL is staged until this long past the target: a commit made just before the target may
     * reach the repository a moment after it, and recovery stops at the target by itself.
     */
    static final Duration STAGING_MARGIN = Duration.ofSeconds(2);

    private RestorePlanner() {
    }

    /** The backup a restore materializes, the log run it replays, and the instant it will reflect. */
    public record Choice<R extends LogChain.Run>(BackupRecord backup, R run, Instant pointInTime) {
    }

    /**
     * Chooses the backup and log run for a request, for any engine's log.
     *
     * @param caughtUpAt the last time log capture was known to hold everything the server had
     *                   written (null when unknown, e.g. offline); it extends the window past the
     *                   newest log object on an idle server
     */
    public static <R extends LogChain.Run> Choice<R> choose(String serverName, List<BackupRecord> backups,
                                                            LogChain<R> chain, Instant caughtUpAt,
                                                            RestoreRequest request, Instant now) {
        if (request.kind() == RestoreRequest.Kind.BACKUP) {
            return toBackup(serverName, backups, chain, request);
        }
        List<Candidate<R>> candidates = restorable(backups, chain, caughtUpAt);
        if (candidates.isEmpty()) {
            throw noRestorePoint(serverName, backups);
        }
        RestoreWindow window = window(candidates);
        switch (request.kind()) {
            case EARLIEST -> {
                Candidate<R> first = candidates.get(0);
                return new Choice<>(first.backup, first.run, first.backup.consistentAt());
            }
            case LATEST -> {
                Candidate<R> last = candidates.get(candidates.size() - 1);
                return new Choice<>(last.backup, last.run, last.latest);
            }
            default -> {
                Instant t = request.time();
                if (t.isAfter(now)) {
                    throw HindsightException.invalid("restore time " + t + " is in the future (now is " + now
                                    + "); server " + serverName + " can be restored to " + window,
                            "give a time within the window, or use --latest");
                }
                Instant oldest = candidates.get(0).backup.consistentAt();
                if (t.isBefore(oldest) || t.isAfter(window.latest())) {
                    throw HindsightException.invalid("restore time " + t + " is outside the restore window of server "
                                    + serverName + ": earliest " + window.earliest() + ", latest " + window.latest(),
                            "give a time within the window, or use --earliest / --latest");
                }
                Candidate<R> chosen = candidates.stream()
                        .filter(c -> !c.backup.consistentAt().isAfter(t) && !c.latest.isBefore(t))
                        .reduce((a, b) -> b)
                        .orElseThrow(() -> new HindsightException(HindsightException.Kind.CORRUPT,
                                "restore time " + t + " falls in a gap of server " + serverName + "'s log chain: "
                                        + gapBefore(candidates, t),
                                "pick a time covered by a backup and its logs (`hindsight server show --name "
                                        + serverName + "`)"));
                return new Choice<>(chosen.backup, chosen.run, t);
            }
        }
    }

    /** A PostgreSQL restore: the choice, with the WAL segments to stage for it. */
    public static RestorePlan plan(String serverName, String serverId, List<BackupRecord> backups,
                                   List<WalFile> wal, Instant caughtUpAt, RestoreRequest request, Instant now) {
        Choice<WalChain.Run> c = choose(serverName, backups, new WalChain(wal), caughtUpAt, request, now);
        Lsn stop = Lsn.parse(c.backup().stopPosition());
        List<WalChain.Segment> segments = switch (request.kind()) {
            case BACKUP, EARLIEST -> upTo(c.run(), stop);
            case LATEST -> c.run().segments();
            default -> {
                Instant stageUntil = c.pointInTime().plus(STAGING_MARGIN);
                List<WalChain.Segment> staged = new ArrayList<>();
                for (WalChain.Segment s : c.run().segments()) {
                    staged.add(s);
                    if (!s.end().isBefore(stop) && !s.durableAt().isBefore(stageUntil)) {
                        break;
                    }
                }
                yield List.copyOf(staged);
            }
        };
        List<Integer> timelines = c.run().segments().stream().map(WalChain.Segment::timeline).distinct().sorted()
                .toList();
        return new RestorePlan(serverId, c.backup(), segments, timelines, request, c.pointInTime());
    }

    /** One backup on its own, to its consistent point: the log from its start to its stop position. */
    private static <R extends LogChain.Run> Choice<R> toBackup(String serverName, List<BackupRecord> backups,
                                                               LogChain<R> chain, RestoreRequest request) {
        BackupRecord backup = backups.stream().filter(b -> b.id().equals(request.backupId())).findFirst()
                .orElseThrow(() -> HindsightException.notFound("server " + serverName + " has no backup "
                        + request.backupId(), "list them with `hindsight backup list --server " + serverName + " --ltr`"));
        if (!backup.isCompleted()) {
            throw HindsightException.invalid("backup " + backup.id() + " of server " + serverName + " is "
                    + backup.status().name().toLowerCase() + ", not completed", "choose a completed backup");
        }
        if (!new BackupChain(backups).restorable(backup)) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "differential backup " + backup.id()
                    + " of server " + serverName + " needs full backup " + backup.baseBackupId()
                    + ", which is not in the catalog", "restore another backup");
        }
        R run = chain.from(backup.startPosition());
        if (!run.reaches(backup.stopPosition())) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "the log backup " + backup.id()
                    + " needs to become consistent (up to " + backup.stopPosition() + ") is not in the repository"
                    + run.gap().map(g -> ": " + g).orElse(""), "restore another backup");
        }
        return new Choice<>(backup, run, backup.consistentAt());
    }

    /** The window of a server with the given backups and WAL; empty if nothing is restorable yet. */
    public static Optional<RestoreWindow> window(List<BackupRecord> backups, List<WalFile> wal, Instant caughtUpAt) {
        return window(backups, new WalChain(wal), caughtUpAt);
    }

    /** The window of a server with the given backups and log; empty if nothing is restorable yet. */
    public static <R extends LogChain.Run> Optional<RestoreWindow> window(List<BackupRecord> backups,
                                                                          LogChain<R> chain, Instant caughtUpAt) {
        List<Candidate<R>> candidates = restorable(backups, chain, caughtUpAt);
        return candidates.isEmpty() ? Optional.empty() : Optional.of(window(candidates));
    }

    /**
     * The contiguous window that ends at the newest restore point: older backups cut off from it
     * by a gap in the log (e.g. long-term retention fulls kept with only their own WAL) are not
     * part of it, though each still restores to the points its own log covers.
     */
    private static RestoreWindow window(List<? extends Candidate<?>> candidates) {
        Instant latest = candidates.stream().map(Candidate::latest).max(Comparator.naturalOrder()).orElseThrow();
        Instant earliest = null;
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Candidate<?> c = candidates.get(i);
            if (earliest != null && c.latest.isBefore(earliest)) {
                break; // its log stops before the next backup is consistent: a gap
            }
            earliest = c.backup.consistentAt();
        }
        return new RestoreWindow(earliest, latest);
    }

    /** A completed backup whose log reaches at least its stop position, and how far it reaches. */
    private record Candidate<R extends LogChain.Run>(BackupRecord backup, R run, Instant latest) {
    }

    private static <R extends LogChain.Run> List<Candidate<R>> restorable(List<BackupRecord> backups,
                                                                         LogChain<R> chain, Instant caughtUpAt) {
        List<Candidate<R>> out = new ArrayList<>();
        BackupChain backupChain = new BackupChain(backups);
        for (BackupRecord b : backups) {
            if (!backupChain.restorable(b) || b.consistentAt() == null) {
                continue;
            }
            R run = chain.from(b.startPosition());
            if (!run.reaches(b.stopPosition())) {
                continue;
            }
            Instant latest = run.durableAt().orElseThrow();
            if (run.gap().isEmpty() && caughtUpAt != null && caughtUpAt.isAfter(latest)) {
                latest = caughtUpAt;
            }
            if (latest.isBefore(b.consistentAt())) {
                latest = b.consistentAt();
            }
            out.add(new Candidate<>(b, run, latest));
        }
        out.sort(Comparator.comparing(c -> c.backup.consistentAt()));
        return out;
    }

    private static String gapBefore(List<? extends Candidate<?>> candidates, Instant t) {
        return candidates.stream().filter(c -> !c.backup().consistentAt().isAfter(t))
                .reduce((a, b) -> b).flatMap(c -> c.run().gap())
                .orElse("no backup and log chain covers it");
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

    private static HindsightException noRestorePoint(String serverName, List<BackupRecord> backups) {
        Optional<BackupRecord> running = backups.stream().filter(b -> !b.isCompleted()
                && b.status() == dev.hindsight.repo.catalog.BackupStatus.RUNNING).findFirst();
        String why = running.map(b -> "its first full backup is still running (started " + b.startedAt() + ")")
                .orElse(backups.stream().anyMatch(BackupRecord::isCompleted)
                        ? "no completed full backup has the log it needs to be consistent"
                        : "it has no completed full backup");
        return new HindsightException(HindsightException.Kind.CONFLICT,
                "server " + serverName + " has no restore point yet: " + why,
                "wait for the backup to complete (`hindsight backup list --server " + serverName
                        + "`), or take one with `hindsight backup create --server " + serverName + "`");
    }
}
