package dev.hindsight.jobs;

import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.storage.Redundancy;
import dev.hindsight.store.FileStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Objects an interrupted write left committed but unprotected get their protection at the daemon's start. */
class ProtectionSweepTest {
    @TempDir
    Path root;

    @AfterEach
    void lift() throws Exception {
        new ProcessBuilder("chattr", "-R", "-i", root.toString()).start().waitFor();
    }

    @Test
    void recentUnprotectedObjectsOfAnImmutableServerAreProtectedAndOthersLeftAlone() throws Exception {
        FileStore store = new FileStore(root);
        Repository repo = Repository.openOrCreate(store, "correct horse battery staple".toCharArray());
        repo.writeBytes("servers/s1/wal/recent", new byte[]{1});
        repo.writeBytes("servers/s2/wal/other", new byte[]{2});
        Instant now = Instant.now();

        int swept = ProtectionSweep.run(repo, List.of(server("s1", 2), server("s2", 0)), now);

        assertThat(swept).isEqualTo(1);
        Instant written = Files.getLastModifiedTime(root.resolve("servers/s1/wal/recent")).toInstant();
        assertThat(store.protectedUntil("servers/s1/wal/recent")).contains(written.plus(Duration.ofDays(2)));
        assertThatThrownBy(() -> Files.delete(root.resolve("servers/s1/wal/recent")))
                .isInstanceOf(FileSystemException.class);
        assertThat(store.protectedUntil("servers/s2/wal/other")).isEmpty();
        assertThat(ProtectionSweep.run(repo, List.of(server("s1", 2)), now)).as("already protected").isZero();
    }

    @Test
    void aDaemonStoppedForDaysLeavesItsLastObjectsToTheSweepButNotOnesADayOlderThanThose() throws Exception {
        FileStore store = new FileStore(root);
        Repository repo = Repository.openOrCreate(store, "correct horse battery staple".toCharArray());
        repo.writeBytes("servers/s1/wal/long-ago", new byte[]{1});
        repo.writeBytes("servers/s1/wal/last", new byte[]{2});
        Instant now = Instant.now();
        Instant crash = now.minus(Duration.ofDays(3));
        Files.setLastModifiedTime(root.resolve("servers/s1/wal/long-ago"),
                java.nio.file.attribute.FileTime.from(crash.minus(Duration.ofDays(2))));
        Files.setLastModifiedTime(root.resolve("servers/s1/wal/last"), java.nio.file.attribute.FileTime.from(crash));

        assertThat(ProtectionSweep.run(repo, List.of(server("s1", 10)), now)).isEqualTo(1);
        assertThat(store.protectedUntil("servers/s1/wal/last")).contains(crash.plus(Duration.ofDays(10)));
        assertThat(store.protectedUntil("servers/s1/wal/long-ago")).isEmpty();
    }

    @Test
    void anObjectProtectedInOneCopyButNotAnotherIsProtectedEverywhere() throws Exception {
        List<Path> paths = List.of(root.resolve("a1"), root.resolve("a2"), root.resolve("a3"));
        dev.hindsight.storage.PlacedStore placed = new dev.hindsight.storage.PlacedStore(
                new dev.hindsight.storage.Storage(new dev.hindsight.storage.StorageConfig("east", null, null, List.of(
                        dev.hindsight.storage.SiteConfig.filesystem("a", "east",
                                paths.stream().map(Path::toString).toList())))),
                dev.hindsight.repo.Layout::serverOf, dev.hindsight.repo.Layout.sharedObjects());
        placed.assign("s1", Redundancy.LOCAL);
        Repository repo = Repository.openOrCreate(placed, "correct horse battery staple".toCharArray());
        repo.writeBytes("servers/s1/wal/half", new byte[]{3});
        List<Path> holding = paths.stream().filter(p -> Files.exists(p.resolve("servers/s1/wal/half"))).toList();
        assertThat(holding).hasSizeGreaterThan(1);
        Instant until = Instant.now().plus(Duration.ofDays(1));
        new FileStore(holding.get(0)).protect("servers/s1/wal/half", until); // the crash came after this copy

        assertThat(ProtectionSweep.run(repo, List.of(server("s1", 2)), Instant.now())).isEqualTo(1);
        for (Path copy : holding) {
            assertThat(new FileStore(copy).protectedUntil("servers/s1/wal/half")).as(copy.toString()).isPresent();
        }
    }

    private static ServerRecord server(String id, int immutabilityDays) {
        return new ServerRecord(id, "name-" + id, "postgres", "17", "1", Instant.EPOCH, null, "a", "p", "g", "q", 7,
                Duration.ofDays(7), null, null, Duration.ofHours(12), null, Redundancy.LOCAL, null, null, null, null,
                null, immutabilityDays, null, null);
    }
}
