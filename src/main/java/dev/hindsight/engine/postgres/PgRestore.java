package dev.hindsight.engine.postgres;

import dev.hindsight.engine.ServerProfile;
import dev.hindsight.plan.RestorePlan;
import dev.hindsight.plan.RestoreRequest;
import dev.hindsight.repo.Repository;
import dev.hindsight.util.OsUser;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The steps of a PostgreSQL restore, shared by the daemon (into a new managed server) and the
 * offline disaster-recovery command (into a data directory): put the backup's files in place,
 * stage the WAL the plan needs, and configure recovery to the plan's target.
 */
final class PgRestore {
    private static final Logger log = LoggerFactory.getLogger(PgRestore.class);

    private final Repository repository;
    private final RestorePlan plan;
    private final List<WalChain.Segment> segments;
    private final OsUser owner;
    /** Segments already in the staging directory, by index in the plan. */
    private final java.util.Set<Integer> staged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private RecoveryTarget target;

    PgRestore(Repository repository, RestorePlan plan, OsUser owner) {
        this.repository = repository;
        this.plan = plan;
        this.segments = WalStaging.of(plan).segments();
        this.owner = owner;
    }

    void materialize(Path dataDir, Progress progress) throws IOException {
        long started = System.nanoTime();
        try {
            PgRestoreMaterializer.Result files = PgRestoreMaterializer.materialize(repository, plan.serverId(),
                    plan.backup().id(), dataDir, Runtime.getRuntime().availableProcessors(), progress, owner);
            log.info("Restored {} files ({} bytes) of backup {} in {} ms", files.files(), files.bytes(),
                    plan.backup().id(), millisSince(started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restoring files", e);
        }
    }

    /** This host's listen settings, default client access rules, and recovery to the plan's target. */
    void configure(Path dataDir, Path stagingDir, int port, Path socketDir, String agentUser, ServerProfile profile)
            throws IOException {
        Files.createDirectories(socketDir);
        PgCluster cluster = new PgCluster(PgInstallation.locate(), owner, dataDir, socketDir, port);
        cluster.writeManagedConfig(port, profile);
        cluster.writeHba(agentUser, profile);
        PgRecovery.selfPromoting(dataDir, stagingDir).prepare(target());
        owner.giveOwnership(dataDir);
    }

    /** The target recovery is configured with; decided by {@link #decideTarget} for a time. */
    RecoveryTarget target() {
        if (target != null) {
            return target;
        }
        return switch (plan.target().kind()) {
            case LATEST -> RecoveryTarget.latest();
            case EARLIEST, BACKUP -> RecoveryTarget.immediate();
            case TIME -> RecoveryTarget.time(plan.target().time());
        };
    }

    /**
     * For a time target: PostgreSQL stops at the target only on a transaction that ended after
     * it; if the staged WAL has none, it refuses ("recovery ended before configured recovery
     * target was reached") after replaying everything, and a second pass to the end would follow.
     * So the tail is staged first and read with pg_waldump, from the last segment back until one
     * holds a transaction end: a later one means recovery to the time; none means the end of the
     * staged WAL is exactly the state at the target, and recovery to the end gets there at once.
     */
    RecoveryTarget decideTarget(Path stagingDir) throws IOException {
        if (plan.target().kind() != RestoreRequest.Kind.TIME) {
            target = target();
            return target;
        }
        Instant at = plan.target().time();
        PgInstallation pg = PgInstallation.locate();
        target = RecoveryTarget.latest();
        for (int i = segments.size() - 1; i >= 0; i--) {
            Path file = stageOne(i, stagingDir);
            List<Instant> ends = PgWalDump.transactionEnds(pg, stagingDir, file.getFileName().toString());
            if (ends.stream().anyMatch(t -> t.isAfter(at))) {
                target = RecoveryTarget.time(at);
                break;
            }
            if (!ends.isEmpty()) {
                break;
            }
        }
        log.info("Recovery to {}: {}", at, target instanceof RecoveryTarget.Time
                ? "a transaction ended after it in the staged WAL, recovery stops there"
                : "no transaction ended after it in the staged WAL, replaying all of it reaches it");
        return target;
    }

    /** Creates the staging directory, owned by the database user, with every timeline history in it. */
    void openStaging(Path stagingDir) throws IOException {
        Files.createDirectories(stagingDir.resolve(".incoming"));
        owner.ensureTraversable(stagingDir);
        owner.giveOwnership(stagingDir);
        WalArchive archive = new WalArchive(repository, plan.serverId());
        for (int timeline : archive.historyTimelines()) {
            publish(archive.stageHistory(timeline, stagingDir.resolve(".incoming")), stagingDir);
        }
    }

    /** Stages every segment of the plan not staged yet, in order; each appears complete and owned by the database user. */
    void stageSegments(Path stagingDir, Progress progress) throws IOException {
        long started = System.nanoTime();
        long total = segments.size() * Lsn.SEGMENT_SIZE;
        for (int i = 0; i < segments.size(); i++) {
            progress.update("staging WAL", i * Lsn.SEGMENT_SIZE, total);
            stageOne(i, stagingDir);
        }
        log.info("Staged {} WAL segments in {} ms", segments.size(), millisSince(started));
    }

    private Path stageOne(int index, Path stagingDir) throws IOException {
        WalChain.Segment s = segments.get(index);
        Path name = stagingDir.resolve(Lsn.of(s.segno(), 0).walFileName(s.timeline()));
        if (staged.add(index)) {
            publish(new WalArchive(repository, plan.serverId()).stageSegment(s.timeline(), s.segno(),
                    stagingDir.resolve(".incoming")), stagingDir);
        }
        return name;
    }

    /**
     * Stages the segments in the background while recovery already replays: restore_command
     * waits for a segment that is still to come as long as the in-progress marker exists. The
     * marker goes when staging ends, also when it fails — the caller must then fail the restore.
     */
    CompletableFuture<Void> stageSegmentsInBackground(Path stagingDir, Progress progress) throws IOException {
        Path marker = stagingDir.resolve(PgRecoverySettings.STAGING_IN_PROGRESS);
        Files.writeString(marker, "");
        return CompletableFuture.runAsync(() -> {
            try {
                stageSegments(stagingDir, progress);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(marker);
                } catch (IOException e) {
                    log.error("Could not remove {}: recovery may wait for WAL that will not come", marker, e);
                }
            }
        });
    }

    private void publish(Path staged, Path stagingDir) throws IOException {
        owner.giveOwnership(staged);
        Files.move(staged, stagingDir.resolve(staged.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
