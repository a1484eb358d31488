package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.BackupStatus;
import dev.hindsight.util.HindsightException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides how to restore a server to a point: the newest completed backup that was consistent
 * before the target (a full, or a differential whose full is there: restoring it reads both),
 * and the contiguous log from its start up to the target.
 * A pure function of the catalog's backups, the engine's stored log, and {@code now}.
 */
public final class RestorePlanner {
    private RestorePlanner() {
    }

    /**
     * Chooses the backup and log run for a request, for any engine's log.
     *
     * @param caughtUpAt the last time log capture was known to hold everything the server had
     *                   written (null when unknown, e.g. offline); it extends the window past the
     *                   newest log object on an idle server
     */
    public static <P extends Position> RestorePlan plan(String serverName, String serverId,
                                                        List<BackupRecord> backups, LogChain<P> chain,
                                                        Instant caughtUpAt, RestoreRequest request, Instant now) {
        if (request.kind() == RestoreRequest.Kind.BACKUP) {
            return toBackup(serverName, serverId, backups, chain, request);
        }
        List<Candidate<P>> candidates = restorable(backups, chain, caughtUpAt);
        if (candidates.isEmpty()) {
            throw noRestorePoint(serverName, backups);
        }
        RestoreWindow window = window(candidates);
        switch (request.kind()) {
            case EARLIEST -> {
                Candidate<P> first = candidates.get(0);
                return new RestorePlan(serverId, first.backup, first.run, request, first.backup.consistentAt());
            }
            case LATEST -> {
                Candidate<P> last = candidates.get(candidates.size() - 1);
                return new RestorePlan(serverId, last.backup, last.run, request, last.latest);
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
                Candidate<P> chosen = candidates.stream()
                        .filter(c -> !c.backup.consistentAt().isAfter(t) && !c.latest.isBefore(t))
                        .reduce((a, b) -> b)
                        .orElseThrow(() -> new HindsightException(HindsightException.Kind.CORRUPT,
                                "restore time " + t + " falls in a gap of server " + serverName + "'s log chain: "
                                        + gapBefore(candidates, t),
                                "pick a time covered by a backup and its logs (`hindsight server show --name "
                                        + serverName + "`)"));
                return new RestorePlan(serverId, chosen.backup, chosen.run, request, t);
            }
        }
    }

    /** One backup on its own, to its consistent point: the log from its start to its stop position. */
    private static <P extends Position> RestorePlan toBackup(String serverName, String serverId,
                                                             List<BackupRecord> backups, LogChain<P> chain,
                                                             RestoreRequest request) {
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
        LogChain.Run<P> run = chain.from(chain.position(backup.startPosition()));
        if (!run.reaches(chain.position(backup.stopPosition()))) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "the log backup " + backup.id()
                    + " needs to become consistent (up to " + backup.stopPosition() + ") is not in the repository"
                    + run.gap().map(g -> ": " + g).orElse(""), "restore another backup");
        }
        return new RestorePlan(serverId, backup, run, request, backup.consistentAt());
    }

    /** The window of a server with the given backups and log; empty if nothing is restorable yet. */
    public static <P extends Position> Optional<RestoreWindow> window(List<BackupRecord> backups,
                                                                      LogChain<P> chain, Instant caughtUpAt) {
        List<Candidate<P>> candidates = restorable(backups, chain, caughtUpAt);
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
    private record Candidate<P extends Position>(BackupRecord backup, LogChain.Run<P> run, Instant latest) {
    }

    private static <P extends Position> List<Candidate<P>> restorable(List<BackupRecord> backups,
                                                                     LogChain<P> chain, Instant caughtUpAt) {
        List<Candidate<P>> out = new ArrayList<>();
        BackupChain backupChain = new BackupChain(backups);
        for (BackupRecord b : backups) {
            if (!backupChain.restorable(b) || b.consistentAt() == null) {
                continue;
            }
            LogChain.Run<P> run = chain.from(chain.position(b.startPosition()));
            if (!run.reaches(chain.position(b.stopPosition()))) {
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

    private static HindsightException noRestorePoint(String serverName, List<BackupRecord> backups) {
        Optional<BackupRecord> running = backups.stream().filter(b -> !b.isCompleted()
                && b.status() == BackupStatus.RUNNING).findFirst();
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
