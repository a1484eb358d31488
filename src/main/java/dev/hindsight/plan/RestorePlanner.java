package dev.hindsight.plan;

import dev.hindsight.HindsightException;
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

    /**
     * @param caughtUpAt the last time log capture was known to hold everything the server had
     *                   written (null when unknown, e.g. offline); it extends the window past the
     *                   newest WAL object on an idle server
     */
    public static RestorePlan plan(String serverName, String serverId, List<BackupRecord> backups,
                                   List<WalFile> wal, Instant caughtUpAt, RestoreRequest request, Instant now) {
        WalChain chain = new WalChain(wal);
        if (request.kind() == RestoreRequest.Kind.BACKUP) {
            return toBackup(serverName, serverId, backups, chain, request);
        }
        List<Candidate> candidates = restorable(backups, chain, caughtUpAt);
        if (candidates.isEmpty()) {
            throw noRestorePoint(serverName, backups);
        }
        RestoreWindow window = window(candidates);
        Candidate chosen;
        Instant pointInTime;
        switch (request.kind()) {
            case EARLIEST -> {
                chosen = candidates.get(0);
                pointInTime = chosen.backup.consistentAt();
                return new RestorePlan(serverId, chosen.backup, upTo(chosen.run, chosen.stop),
                        timelines(chosen), request, pointInTime);
            }
            case LATEST -> {
                chosen = candidates.get(candidates.size() - 1);
                pointInTime = chosen.latest;
                return new RestorePlan(serverId, chosen.backup, chosen.run.segments(), timelines(chosen),
                        request, pointInTime);
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
                chosen = candidates.stream().filter(c -> !c.backup.consistentAt().isAfter(t) && !c.latest.isBefore(t))
                        .reduce((a, b) -> b)
                        .orElseThrow(() -> new HindsightException(HindsightException.Kind.CORRUPT,
                                "restore time " + t + " falls in a gap of server " + serverName + "'s log chain: "
                                        + gapBefore(candidates, t),
                                "pick a time covered by a backup and its logs (`hindsight server show --name "
                                        + serverName + "`)"));
                Instant stageUntil = t.plus(STAGING_MARGIN);
                List<WalChain.Segment> segments = new ArrayList<>();
                for (WalChain.Segment s : chosen.run.segments()) {
                    segments.add(s);
                    if (!s.end().isBefore(chosen.stop) && !s.durableAt().isBefore(stageUntil)) {
                        break;
                    }
                }
                return new RestorePlan(serverId, chosen.backup, List.copyOf(segments), timelines(chosen),
                        request, t);
            }
        }
    }

    /** One backup on its own, to its consistent point: the WAL from its start to its stop position. */
    private static RestorePlan toBackup(String serverName, String serverId, List<BackupRecord> backups,
                                        WalChain chain, RestoreRequest request) {
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
        Lsn stop = Lsn.parse(backup.stopPosition());
        WalChain.Run run = chain.from(Lsn.parse(backup.startPosition()));
        if (run.end().isEmpty() || run.end().get().isBefore(stop)) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "the WAL backup " + backup.id()
                    + " needs to become consistent (up to " + stop + ") is not in the repository"
                    + run.gap().map(g -> ": " + g).orElse(""), "restore another backup");
        }
        Candidate c = new Candidate(backup, stop, run, backup.consistentAt());
        return new RestorePlan(serverId, backup, upTo(run, stop), timelines(c), request, backup.consistentAt());
    }

    /** The window of a server with the given backups and WAL; empty if nothing is restorable yet. */
    public static Optional<RestoreWindow> window(List<BackupRecord> backups, List<WalFile> wal, Instant caughtUpAt) {
        List<Candidate> candidates = restorable(backups, new WalChain(wal), caughtUpAt);
        return candidates.isEmpty() ? Optional.empty() : Optional.of(window(candidates));
    }

    /**
     * The contiguous window that ends at the newest restore point: older backups cut off from it
     * by a gap in the log (e.g. long-term retention fulls kept with only their own WAL) are not
     * part of it, though each still restores to the points its own log covers.
     */
    private static RestoreWindow window(List<Candidate> candidates) {
        Instant latest = candidates.stream().map(c -> c.latest).max(Comparator.naturalOrder()).orElseThrow();
        Instant earliest = null;
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Candidate c = candidates.get(i);
            if (earliest != null && c.latest.isBefore(earliest)) {
                break; // its log stops before the next backup is consistent: a gap
            }
            earliest = c.backup.consistentAt();
        }
        return new RestoreWindow(earliest, latest);
    }

    /** A completed backup whose WAL reaches at least its stop position, and how far it reaches. */
    private record Candidate(BackupRecord backup, Lsn stop, WalChain.Run run, Instant latest) {
    }

    private static List<Candidate> restorable(List<BackupRecord> backups, WalChain chain, Instant caughtUpAt) {
        List<Candidate> out = new ArrayList<>();
        BackupChain backupChain = new BackupChain(backups);
        for (BackupRecord b : backups) {
            if (!backupChain.restorable(b) || b.consistentAt() == null) {
                continue;
            }
            Lsn start = Lsn.parse(b.startPosition());
            Lsn stop = Lsn.parse(b.stopPosition());
            WalChain.Run run = chain.from(start);
            if (run.end().isEmpty() || run.end().get().isBefore(stop)) {
                continue;
            }
            Instant latest = run.durableAt().orElseThrow();
            if (run.gap().isEmpty() && caughtUpAt != null && caughtUpAt.isAfter(latest)) {
                latest = caughtUpAt;
            }
            if (latest.isBefore(b.consistentAt())) {
                latest = b.consistentAt();
            }
            out.add(new Candidate(b, stop, run, latest));
        }
        out.sort(Comparator.comparing(c -> c.backup.consistentAt()));
        return out;
    }

    private static String gapBefore(List<Candidate> candidates, Instant t) {
        return candidates.stream().filter(c -> !c.backup.consistentAt().isAfter(t))
                .reduce((a, b) -> b).flatMap(c -> c.run.gap())
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

    private static List<Integer> timelines(Candidate c) {
        return c.run.segments().stream().map(WalChain.Segment::timeline).distinct().sorted().toList();
    }

    private static HindsightException noRestorePoint(String serverName, List<BackupRecord> backups) {
        Optional<BackupRecord> running = backups.stream().filter(b -> !b.isCompleted()
                && b.status() == dev.hindsight.repo.catalog.BackupStatus.RUNNING).findFirst();
        String why = running.map(b -> "its first full backup is still running (started " + b.startedAt() + ")")
                .orElse(backups.stream().anyMatch(BackupRecord::isCompleted)
                        ? "no completed full backup has the WAL it needs to be consistent"
                        : "it has no completed full backup");
        return new HindsightException(HindsightException.Kind.CONFLICT,
                "server " + serverName + " has no restore point yet: " + why,
                "wait for the backup to complete (`hindsight backup list --server " + serverName
                        + "`), or take one with `hindsight backup create --server " + serverName + "`");
    }
}
