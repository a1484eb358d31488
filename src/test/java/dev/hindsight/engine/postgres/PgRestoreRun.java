package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Repository;
import dev.hindsight.testing.TestPostgres;
import dev.hindsight.util.FreePort;
import dev.hindsight.util.Progress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One restore in a test: materialize the backup into a new directory, stage the archived WAL
 * beside it, recover on a free port, read checksums, stop. Prints how long each step took.
 */
final class PgRestoreRun implements AutoCloseable {
    private final PgCluster cluster;
    private final Path staging;

    private PgRestoreRun(PgCluster cluster, Path staging) {
        this.cluster = cluster;
        this.staging = staging;
    }

    static PgRestoreRun of(TestPostgres source, Repository repo, String serverId, String backupId, Path archive,
                           String name) throws Exception {
        Path dir = Files.createDirectories(source.root().resolve("restore-" + name));
        long began = System.nanoTime();
        PgRestoreMaterializer.Result r = PgRestoreMaterializer.materialize(repo, serverId, backupId,
                dir.resolve("data"), 2, Progress.NONE);
        System.out.printf("restore %s: materialized %d files, %.1f MB in %.2f s%n", name, r.files(),
                r.bytes() / 1e6, (System.nanoTime() - began) / 1e9);
        Path staging = Files.createDirectories(dir.resolve("wal"));
        try (Stream<Path> segments = Files.list(archive)) {
            for (Path s : segments.toList()) {
                Files.copy(s, staging.resolve(s.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        source.cluster().osUser().giveOwnership(staging);
        PgCluster cluster = new PgCluster(source.cluster().installation(), source.cluster().osUser(),
                r.dataDir(), dir.resolve("run"), FreePort.find());
        cluster.writeManagedConfig(cluster.port(), dev.hindsight.engine.ServerProfile.defaults());
        return new PgRestoreRun(cluster, staging);
    }

    PgRecovery.Promotion recover(RecoveryTarget target) throws Exception {
        PgRecovery recovery = PgRecovery.promotedOnRequest(cluster.dataDir(), staging);
        recovery.prepare(target);
        long began = System.nanoTime();
        PgRecovery.Promotion p = recovery.startAndAwaitPromotion(
                PgRecoveryServer.of(cluster, TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD), Duration.ofMinutes(3));
        System.out.printf("recovery to %s: promoted on timeline %d at %s in %.2f s (replayed to end: %s)%n",
                target, p.timeline(), p.switchLsn(), (System.nanoTime() - began) / 1e9, p.replayedToEnd());
        return p;
    }

    Map<String, String> checksums() throws Exception {
        return PgTableChecksums.of(() -> cluster.connect(TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD, "postgres"));
    }

    String show(String setting) throws Exception {
        try (var c = cluster.connect(TestPostgres.ADMIN, TestPostgres.ADMIN_PASSWORD, "postgres");
             var rs = c.createStatement().executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    Path dataDir() {
        return cluster.dataDir();
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
