package dev.hindsight.storage;

import dev.hindsight.repo.Healer;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.NoSuchObjectException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A repository over several real filesystem copies: synchronous writes, placement, self-healing reads. */
class ReplicatedRepositoryTest {
    static final char[] PASSPHRASE = "correct horse".toCharArray();
    @TempDir
    Path tmp;
    PlacedStore placed;
    Repository repository;
    final List<Healer.Event> events = new CopyOnWriteArrayList<>();

    Path copy(String site, int n) {
        return tmp.resolve(site).resolve("copy" + n);
    }

    @BeforeEach
    void threeSitesOneWithThreePaths() throws IOException {
        StorageConfig config = new StorageConfig("east", null, null, List.of(
                SiteConfig.filesystem("a", "east", List.of(copy("a", 1).toString(), copy("a", 2).toString(),
                        copy("a", 3).toString())),
                SiteConfig.filesystem("b", "east", List.of(copy("b", 1).toString())),
                SiteConfig.filesystem("c", "east", List.of(copy("c", 1).toString()))));
        placed = new PlacedStore(new Storage(config), Layout::serverOf, Layout.sharedObjects());
        repository = Repository.openOrCreate(placed, PASSPHRASE);
        repository.healer().onEvent(events::add);
    }

    static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        for (int i = 0; i < size; i += 3) {
            b[i] = 7; // compressible in part, so frames differ in size
        }
        return b;
    }

    @Test
    void anImmutableServersFirstWriteMakesTheKeyringImmutableForLongerInEveryCopy() throws Exception {
        try {
            placed.assign("s1", Redundancy.LOCAL);
            repository.writeBytes("servers/s1/wal/before", data(100));
            assertThat(placed.protectedUntil(Layout.KEYRING)).isEmpty();

            placed.makeImmutable("s1", java.time.Duration.ofDays(3));
            java.time.Instant written = java.time.Instant.now();
            repository.writeBytes("servers/s1/wal/x", data(1000));
            java.time.Instant objectUntil = placed.protectedUntil("servers/s1/wal/x").orElseThrow();
            assertThat(objectUntil).isAfter(written.plus(java.time.Duration.ofDays(3)).minusSeconds(1));
            for (String key : Layout.keyringObjects()) {
                assertThat(placed.protectedUntil(key)).hasValueSatisfying(u -> assertThat(u).isAfter(objectUntil));
                for (Path site : List.of(copy("a", 1), copy("b", 1), copy("c", 1))) {
                    Path file = site.resolve(key);
                    assertThatThrownBy(() -> Files.delete(file)).as("a raw delete of " + file)
                            .isInstanceOf(java.nio.file.FileSystemException.class);
                }
            }
        } finally {
            new ProcessBuilder("chattr", "-R", "-i", tmp.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    @Test
    void localWritesEveryCopyOfTheSiteAndTheKeyringAndCatalogGoEverywhere() throws IOException {
        placed.assign("s1", Redundancy.LOCAL);
        repository.writeBytes("servers/s1/wal/x", data(1000));
        for (int n = 1; n <= 3; n++) {
            assertThat(copy("a", n).resolve("servers/s1/wal/x")).exists();
        }
        assertThat(copy("b", 1).resolve("servers/s1/wal/x")).doesNotExist();
        repository.updateCatalog(c -> c);
        for (Path root : List.of(copy("a", 1), copy("a", 2), copy("a", 3), copy("b", 1), copy("c", 1))) {
            assertThat(root.resolve(Layout.KEYRING)).exists();
            assertThat(root.resolve(Layout.catalog(1))).exists();
        }
    }

    @Test
    void zoneWritesTheFirstCopyOfEachSite() throws IOException {
        placed.assign("s2", Redundancy.ZONE);
        repository.writeBytes("servers/s2/backups/b/manifest", data(10));
        assertThat(copy("a", 1).resolve("servers/s2/backups/b/manifest")).exists();
        assertThat(copy("a", 2).resolve("servers/s2/backups/b/manifest")).doesNotExist();
        assertThat(copy("b", 1).resolve("servers/s2/backups/b/manifest")).exists();
        assertThat(copy("c", 1).resolve("servers/s2/backups/b/manifest")).exists();
    }

    @Test
    void aByteFlippedInOneCopyIsReadFromAnotherAndRepaired() throws IOException {
        byte[] original = data(3 << 20);
        repository.writeBytes("servers/s1/backups/b/bundle-0-0", original);
        Path damaged = copy("a", 1).resolve("servers/s1/backups/b/bundle-0-0");
        byte[] stored = Files.readAllBytes(damaged);
        stored[stored.length / 2] ^= 0x40; // midway: the reader has already had the first frames from this copy
        Files.write(damaged, stored);

        assertThat(repository.readBytes("servers/s1/backups/b/bundle-0-0")).isEqualTo(original);

        assertThat(Files.readAllBytes(damaged)).isEqualTo(Files.readAllBytes(copy("a", 2)
                .resolve("servers/s1/backups/b/bundle-0-0")));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.repaired()).isTrue();
            assertThat(e.copy()).contains("copy1");
            assertThat(e.problem()).contains("damaged");
        });
        assertThat(repository.healer().repairedCount()).isEqualTo(1);
    }

    @Test
    void anObjectMissingFromOneCopyIsReadFromAnotherAndPutBack() throws IOException {
        repository.writeBytes("servers/s1/wal/y", data(5000));
        Files.delete(copy("a", 1).resolve("servers/s1/wal/y"));
        assertThat(repository.readBytes("servers/s1/wal/y")).isEqualTo(data(5000));
        assertThat(copy("a", 1).resolve("servers/s1/wal/y")).exists();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.problem()).contains("no such object"));
    }

    @Test
    void anImmutableObjectPutBackIntoACopyIsImmutableThereUntilTheSameTime() throws Exception {
        try {
            placed.assign("s1", Redundancy.LOCAL);
            placed.makeImmutable("s1", java.time.Duration.ofDays(2));
            repository.writeBytes("servers/s1/wal/z", data(5000));
            Path lost = copy("a", 1).resolve("servers/s1/wal/z");
            java.time.Instant until = placed.protectedUntil("servers/s1/wal/z").orElseThrow();
            // someone with root on one copy lifts the attribute and deletes the file
            assertThat(new ProcessBuilder("chattr", "-i", lost.toString()).start().waitFor()).isZero();
            Files.delete(lost);

            assertThat(repository.readBytes("servers/s1/wal/z")).isEqualTo(data(5000));
            assertThat(lost).exists();
            assertThatThrownBy(() -> Files.delete(lost)).as("the repaired copy is immutable again")
                    .isInstanceOf(java.nio.file.FileSystemException.class);
            assertThat(new dev.hindsight.store.FileStore(copy("a", 1)).protectedUntil("servers/s1/wal/z"))
                    .contains(until);
        } finally {
            new ProcessBuilder("chattr", "-R", "-i", tmp.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    @Test
    void everyCopyDamagedIsAnErrorNotGarbage() throws IOException {
        repository.writeBytes("servers/s1/wal/z", data(5000));
        for (int n = 1; n <= 3; n++) {
            Path p = copy("a", n).resolve("servers/s1/wal/z");
            byte[] b = Files.readAllBytes(p);
            b[b.length - 20] ^= 1;
            Files.write(p, b);
        }
        assertThatThrownBy(() -> repository.readBytes("servers/s1/wal/z")).hasMessageContaining("damaged");
        assertThat(events).isEmpty();
    }

    @Test
    void aCopyThatCannotBeWrittenFailsTheWriteAndLeavesNothingAnywhere() throws IOException {
        repository.writeBytes("servers/s1/first", data(10));
        Path blocked = copy("a", 3).resolve("servers/s1/wal");
        Files.writeString(blocked, "a file where a directory must go");
        assertThatThrownBy(() -> repository.writeBytes("servers/s1/wal/piece", data(100)))
                .isInstanceOf(IOException.class);
        assertThat(copy("a", 1).resolve("servers/s1/wal/piece")).doesNotExist();
        assertThat(copy("a", 2).resolve("servers/s1/wal/piece")).doesNotExist();
        assertThatThrownBy(() -> repository.readBytes("servers/s1/wal/piece")).isInstanceOf(NoSuchObjectException.class);
        Files.delete(blocked);
        repository.writeBytes("servers/s1/wal/piece", data(100)); // the same name, once the copy is back
        assertThat(repository.readBytes("servers/s1/wal/piece")).isEqualTo(data(100));
    }

    @Test
    void objectsWrittenUnderAnEarlierPlacementAreStillReadAndListed() throws IOException {
        placed.assign("s3", Redundancy.LOCAL);
        repository.writeBytes("servers/s3/old", data(10));
        placed.assign("s3", Redundancy.ZONE);
        repository.writeBytes("servers/s3/new", data(20));
        assertThat(repository.list("servers/s3/")).extracting(o -> o.key())
                .containsExactly("servers/s3/new", "servers/s3/old");
        assertThat(repository.readBytes("servers/s3/old")).isEqualTo(data(10));
        assertThat(copy("b", 1).resolve("servers/s3/old")).as("an earlier placement's object is not spread by reads")
                .doesNotExist();
        repository.delete("servers/s3/old");
        for (Path root : List.of(copy("a", 1), copy("a", 2), copy("a", 3))) {
            assertThat(root.resolve("servers/s3/old")).doesNotExist();
        }
    }

    @Test
    void aNewCopyGetsTheKeyringAndCanBeOpenedAlone() throws IOException {
        repository.updateCatalog(c -> c);
        try (InputStream in = Files.newInputStream(copy("c", 1).resolve(Layout.KEYRING))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(copy("a", 1).resolve(Layout.KEYRING)));
        }
        Repository alone = Repository.open(new dev.hindsight.store.FileStore(copy("c", 1)), PASSPHRASE);
        assertThat(alone.catalog().sequence()).isEqualTo(1);
    }
}
