package dev.hindsight.repo;

import dev.hindsight.store.FileStore;
import dev.hindsight.store.Store;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Key rotation (new objects use a new data key, old ones stay readable) and passphrase changes
 * (every key re-wrapped in every copy; the old passphrase stops working; a refusal changes nothing).
 */
class RepositoryKeysTest {
    static final char[] OLD = "correct horse battery staple".toCharArray();
    static final char[] NEW = "a much longer new passphrase".toCharArray();

    @TempDir
    Path root;
    @TempDir
    Path second;
    FileStore store;

    @BeforeEach
    void setUp() {
        store = new FileStore(root);
    }

    @Test
    void afterARotationNewObjectsUseTheNewKeyAndOldOnesStayReadable() throws IOException {
        Repository repo = Repository.openOrCreate(store, OLD);
        String first = repo.keyId();
        repo.writeBytes("servers/a/old", RepositoryTest.bytes("sealed with the first key"));
        String rotated = repo.rotateKey();
        repo.writeBytes("servers/a/new", RepositoryTest.bytes("sealed with the rotated key"));

        assertThat(rotated).matches("[0-9a-f]{16}").isNotEqualTo(first);
        assertThat(repo.dataKeyIds()).containsExactly(first, rotated);
        assertThat(repo.dataKeyOf(store, "servers/a/old")).isEqualTo(first);
        assertThat(repo.dataKeyOf(store, "servers/a/new")).isEqualTo(rotated);
        assertThat(Files.readAllBytes(root.resolve("servers/a/old"))[4]).as("format version").isEqualTo((byte) 1);
        assertThat(Files.readAllBytes(root.resolve("servers/a/new"))[4]).isEqualTo((byte) 2);
        assertThat(root.resolve(Layout.dataKeyFile(rotated))).exists();
        assertThat(root.resolve(Layout.dataKeyFile(rotated) + Layout.COPY_SUFFIX)).exists();

        Repository reopened = Repository.open(store, OLD);
        assertThat(reopened.keyId()).as("the repository's identity").isEqualTo(first);
        assertThat(reopened.dataKeyIds()).containsExactly(first, rotated);
        assertThat(reopened.readBytes("servers/a/old")).isEqualTo(RepositoryTest.bytes("sealed with the first key"));
        assertThat(reopened.readBytes("servers/a/new")).isEqualTo(RepositoryTest.bytes("sealed with the rotated key"));
        reopened.writeBytes("servers/a/later", RepositoryTest.bytes("x"));
        assertThat(reopened.dataKeyOf(store, "servers/a/later")).isEqualTo(rotated);
    }

    @Test
    void anObjectWhoseKeyFileIsLostSaysWhichKeyIsMissing() throws IOException {
        Repository repo = Repository.openOrCreate(store, OLD);
        String rotated = repo.rotateKey();
        repo.writeBytes("servers/a/new", RepositoryTest.bytes("data"));
        Files.delete(root.resolve(Layout.dataKeyFile(rotated)));
        Files.delete(root.resolve(Layout.dataKeyFile(rotated) + Layout.COPY_SUFFIX));
        Repository reopened = Repository.open(store, OLD);
        assertThatThrownBy(() -> reopened.readBytes("servers/a/new")).isInstanceOf(MissingKeyException.class)
                .hasMessageContaining(rotated).hasMessageContaining(Layout.dataKeyFile(rotated));
    }

    @Test
    void aPassphraseChangeRewrapsEveryKeyInEveryCopyAndTheOldOneStopsWorking() throws IOException {
        Repository repo = Repository.openOrCreate(store, OLD);
        repo.writeBytes("servers/a/old", RepositoryTest.bytes("first key"));
        String rotated = repo.rotateKey();
        repo.writeBytes("servers/a/new", RepositoryTest.bytes("rotated key"));
        FileStore other = new FileStore(second);
        Repository.copyKeyring(store, other);
        assertThat(second.resolve(Layout.dataKeyFile(rotated))).as("rotated keys travel with the keyring").exists();

        int rewrapped = repo.changePassphrase(List.of(store, other), OLD, NEW);

        assertThat(rewrapped).isEqualTo(8); // keyring and rotated key, each twice, in two copies
        assertThat(Files.readAllBytes(second.resolve(Layout.KEYRING))).as("sealed once: verify compares copies")
                .isEqualTo(Files.readAllBytes(root.resolve(Layout.KEYRING)));
        for (Store copy : List.of(store, other)) {
            assertThatThrownBy(() -> Repository.open(copy, OLD)).isInstanceOfSatisfying(HindsightException.class,
                    e -> assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT));
            Repository opened = Repository.open(copy, NEW);
            assertThat(opened.dataKeyIds()).containsExactly(repo.keyId(), rotated);
        }
        Repository opened = Repository.open(store, NEW);
        assertThat(opened.readBytes("servers/a/old")).isEqualTo(RepositoryTest.bytes("first key"));
        assertThat(opened.readBytes("servers/a/new")).isEqualTo(RepositoryTest.bytes("rotated key"));
        assertThat(opened.rotateKey()).as("the daemon wraps later keys under the new passphrase").isNotNull();
        assertThat(Repository.open(store, NEW).dataKeyIds()).hasSize(3);
    }

    @Test
    void anInterruptedChangeRunAgainFinishesIt() throws IOException {
        Repository repo = Repository.openOrCreate(store, OLD);
        Path copy = root.resolve(Layout.keyringCopy());
        byte[] before = Files.readAllBytes(root.resolve(Layout.KEYRING));
        repo.changePassphrase(List.of(store), OLD, NEW);
        // as if it had stopped after the copy: the primary still has the old wrapping
        Files.delete(root.resolve(Layout.KEYRING));
        Files.write(root.resolve(Layout.KEYRING), before);
        assertThat(Repository.open(store, NEW).keyId()).as("the copy opens with the new one").isEqualTo(repo.keyId());

        Repository again = Repository.open(store, OLD);
        assertThat(again.changePassphrase(List.of(store), OLD, NEW)).isEqualTo(1);
        assertThatThrownBy(() -> Repository.open(store, OLD)).isInstanceOf(HindsightException.class);
        assertThat(copy).exists();
    }

    @Test
    void aWrongCurrentPassphraseOrAWeakNewOneChangesNothing() throws IOException {
        Repository repo = Repository.openOrCreate(store, OLD);
        Map<String, byte[]> before = snapshot();
        assertThatThrownBy(() -> repo.changePassphrase(List.of(store), "not it at all, no".toCharArray(), NEW))
                .isInstanceOf(HindsightException.class).hasMessageContaining("nothing was changed");
        assertThatThrownBy(() -> repo.changePassphrase(List.of(store), OLD, "short".toCharArray()))
                .isInstanceOf(HindsightException.class).hasMessageContaining("12 it needs at least");
        assertThatThrownBy(() -> repo.changePassphrase(List.of(store), OLD, OLD))
                .isInstanceOf(HindsightException.class).hasMessageContaining("is the current one");
        assertThat(snapshot()).allSatisfy((k, v) -> assertThat(v).isEqualTo(before.get(k)));
        assertThat(Repository.open(store, OLD).keyId()).isEqualTo(repo.keyId());
    }

    @Test
    void aKeyringTheStorageHoldsImmutableRefusesTheChangeAndChangesNothing() throws Exception {
        Repository repo = Repository.openOrCreate(store, OLD);
        Map<String, byte[]> before = snapshot();
        store.protect(Layout.keyringCopy(), Instant.now().plusSeconds(3600));
        try {
            assertThatThrownBy(() -> repo.changePassphrase(List.of(store), OLD, NEW))
                    .isInstanceOfSatisfying(HindsightException.class, e -> {
                        assertThat(e.kind()).isEqualTo(HindsightException.Kind.CONFLICT);
                        assertThat(e.getMessage()).contains("held immutable by the storage until", "nothing was changed");
                    });
            assertThat(snapshot()).allSatisfy((k, v) -> assertThat(v).isEqualTo(before.get(k)));
            assertThat(Repository.open(store, OLD).keyId()).isEqualTo(repo.keyId());
        } finally {
            new ProcessBuilder("chattr", "-R", "-i", root.toString()).start().waitFor();
        }
    }

    private Map<String, byte[]> snapshot() throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        for (String name : Layout.keyringObjects()) {
            files.put(name, Files.readAllBytes(root.resolve(name)));
        }
        return files;
    }
}
