package dev.hindsight.repo;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.Catalog;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.FileStore;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryCatalogTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

    @TempDir
    Path root;
    Repository repository;

    @BeforeEach
    void setUp() throws IOException {
        repository = Repository.openOrCreate(new FileStore(root), RepositoryTest.PASSPHRASE);
    }

    @Test
    void aNewRepositoryHasAnEmptyCatalog() throws IOException {
        assertThat(repository.catalog()).isEqualTo(Catalog.empty());
    }

    @Test
    void eachUpdateIsANewVersionWrittenTwiceAndRoundTrips() throws IOException {
        ServerRecord server = server("s1");
        BackupRecord backup = BackupRecord.running("b1", "s1", BackupKind.FULL, T0)
                .completed(T0.plusSeconds(60), T0.plusSeconds(59), "0/2000028", "0/2000100", 1, 1234, 5 << 20, 77_000);
        Catalog first = repository.updateCatalog(c -> c.withServer(server));
        Catalog second = repository.updateCatalog(c -> c.withBackup(backup));

        assertThat(first.sequence()).isEqualTo(1);
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.writtenAt()).isAfterOrEqualTo(first.writtenAt());
        assertThat(keys()).containsExactly(Layout.catalog(1), Layout.catalogCopy(1),
                Layout.catalog(2), Layout.catalogCopy(2));
        Catalog read = repository.catalog();
        assertThat(read).isEqualTo(second);
        assertThat(read.server("s1")).contains(server);
        assertThat(read.backup("b1")).contains(backup);
        assertThat(repository.readJson(Layout.catalogCopy(2), Catalog.class)).isEqualTo(second);
    }

    @Test
    void aDamagedPrimaryFallsBackToItsCopy() throws IOException {
        repository.updateCatalog(c -> c.withServer(server("s1")));
        Catalog newest = repository.updateCatalog(c -> c.withServer(server("s2")));
        flipByte(Layout.catalog(2));
        assertThat(repository.catalog()).isEqualTo(newest);
    }

    @Test
    void bothCopiesDamagedFallsBackToTheOlderVersionAndNumbersAreNotReused() throws IOException {
        Catalog older = repository.updateCatalog(c -> c.withServer(server("s1")));
        repository.updateCatalog(c -> c.withServer(server("s2")));
        flipByte(Layout.catalog(2));
        Files.delete(root.resolve(Layout.catalogCopy(2)));

        assertThat(repository.catalog()).isEqualTo(older);
        Catalog next = repository.updateCatalog(c -> c.withServer(server("s3")));
        assertThat(next.sequence()).isEqualTo(3);
        assertThat(next.servers()).extracting(ServerRecord::id).containsExactly("s1", "s3");
        assertThat(repository.catalog()).isEqualTo(next);
    }

    @Test
    void noReadableVersionIsAnErrorNotAnEmptyCatalog() throws IOException {
        repository.updateCatalog(c -> c.withServer(server("s1")));
        flipByte(Layout.catalog(1));
        flipByte(Layout.catalogCopy(1));
        assertThatThrownBy(() -> repository.catalog()).isInstanceOfSatisfying(HindsightException.class, e -> {
            assertThat(e.kind()).isEqualTo(HindsightException.Kind.CORRUPT);
            assertThat(e.getMessage()).contains(Layout.catalog(1)).contains("checksum mismatch");
        });
        assertThatThrownBy(() -> repository.updateCatalog(c -> c)).isInstanceOf(HindsightException.class);
    }

    @Test
    void keepsOnlyTheNewestTwentyVersions() throws IOException {
        for (int i = 1; i <= 23; i++) {
            String id = "s" + i;
            repository.updateCatalog(c -> c.withServer(server(id)));
        }
        List<String> keys = keys();
        assertThat(keys).hasSize(2 * CatalogHistory.VERSIONS_KEPT)
                .startsWith(Layout.catalog(4), Layout.catalogCopy(4))
                .endsWith(Layout.catalog(23), Layout.catalogCopy(23));
        assertThat(repository.catalog().servers()).hasSize(23);
    }

    @Test
    void concurrentUpdatesInOneProcessAreSerialized() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Catalog>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String id = "s" + i;
                results.add(pool.submit(() -> repository.updateCatalog(c -> c.withServer(server(id)))));
            }
            for (Future<Catalog> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Catalog catalog = repository.catalog();
        assertThat(catalog.sequence()).isEqualTo(12);
        assertThat(catalog.servers()).hasSize(12);
    }

    @Test
    void aVersionWrittenMeanwhileByAnotherProcessIsBuiltUponNotLost() throws IOException {
        Repository otherProcess = Repository.open(new FileStore(root), RepositoryTest.PASSPHRASE);
        AtomicBoolean raced = new AtomicBoolean();
        Catalog written = repository.updateCatalog(c -> {
            if (raced.compareAndSet(false, true)) {
                try {
                    otherProcess.updateCatalog(o -> o.withServer(server("theirs")));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return c.withServer(server("ours"));
        });
        assertThat(written.sequence()).isEqualTo(2);
        assertThat(written.servers()).extracting(ServerRecord::id).containsExactly("theirs", "ours");
        assertThat(repository.catalog()).isEqualTo(written);
    }

    static ServerRecord server(String id) {
        return new ServerRecord(id, "name-" + id, "postgres", "17.2", "7441234567890123456", T0, null,
                "admin", "admin-secret", "hindsight_agent", "agent-secret", 7, Duration.ofHours(24), null, null,
                Duration.ofHours(12), null, null, null, null, null, null, null, null, null, null);
    }

    private List<String> keys() throws IOException {
        return repository.list(Layout.CATALOG_PREFIX).stream().map(ObjectInfo::key).toList();
    }

    private void flipByte(String key) throws IOException {
        Path file = root.resolve(key);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
    }
}
