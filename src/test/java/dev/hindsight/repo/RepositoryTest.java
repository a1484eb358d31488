package dev.hindsight.repo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.store.FileStore;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryTest {
    static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    Path root;
    FileStore store;

    @BeforeEach
    void setUp() {
        store = new FileStore(root);
    }

    @Test
    void openOrCreateTwiceUnlocksTheSameKey() throws IOException {
        Repository first = Repository.openOrCreate(store, PASSPHRASE);
        first.writeBytes("servers/a/manifest", bytes("manifest"));
        Repository second = Repository.openOrCreate(store, "correct horse battery staple".toCharArray());
        Repository third = Repository.open(store, PASSPHRASE);

        assertThat(second.keyId()).isEqualTo(first.keyId()).matches("[0-9a-f]{16}");
        assertThat(third.keyId()).isEqualTo(first.keyId());
        assertThat(second.readBytes("servers/a/manifest")).isEqualTo(bytes("manifest"));
        assertThat(Files.readAllBytes(root.resolve(Layout.KEYRING)))
                .isEqualTo(Files.readAllBytes(root.resolve(Layout.keyringCopy())));
    }

    @Test
    void aShortLivedObjectIsCompressedFasterButReadsBackTheSame() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        // compressible but not trivially: levels 1 and 3 store it in different sizes
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            text.append(Integer.toHexString(i * 7919 % 65_521)).append(i % 13 == 0 ? '\n' : ' ');
        }
        byte[] plain = bytes(text.toString());
        long standard = repository.write("servers/a/standard", out -> out.write(plain));
        long shortLived = repository.writeShortLived("servers/a/short-lived", out -> out.write(plain));

        assertThat(repository.readBytes("servers/a/short-lived")).isEqualTo(plain);
        assertThat(repository.readBytes("servers/a/standard")).isEqualTo(plain);
        assertThat(shortLived).as("zstd level 1 against level 3").isNotEqualTo(standard);
    }

    @Test
    void keyringRecordsItsParametersAsPlainJson() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        JsonNode keyring = Json.MAPPER.readTree(root.resolve(Layout.KEYRING).toFile());
        assertThat(keyring.get("format").asInt()).isEqualTo(1);
        assertThat(keyring.get("keyId").asText()).isEqualTo(repository.keyId());
        assertThat(keyring.get("kdf").asText()).isEqualTo("PBKDF2WithHmacSHA256");
        assertThat(keyring.get("iterations").asInt()).isEqualTo(310_000);
        assertThat(keyring.get("salt").binaryValue()).hasSize(16);
        assertThat(keyring.get("nonce").binaryValue()).hasSize(12);
        assertThat(keyring.get("wrappedKey").binaryValue()).hasSize(48);
    }

    @Test
    void wrongPassphraseIsRefusedClearlyAndWritesNothing() throws IOException {
        String keyId = Repository.openOrCreate(store, PASSPHRASE).keyId();
        Files.delete(root.resolve(Layout.keyringCopy())); // a successful open would restore it
        Map<String, Long> before = sizes();

        for (var attempt : List.<ThrowingOpen>of(Repository::openOrCreate, Repository::open)) {
            assertThatThrownBy(() -> attempt.open(store, "wrong".toCharArray()))
                    .isInstanceOfSatisfying(HindsightException.class, e -> {
                        assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT);
                        assertThat(e.getMessage()).isEqualTo("the passphrase does not unlock the repository at "
                                + store.describe() + " (key id " + keyId + ")");
                        assertThat(e.hint()).contains("HINDSIGHT_PASSPHRASE").contains("--passphrase-file");
                    });
        }
        assertThat(sizes()).isEqualTo(before);
    }

    @Test
    void openWithoutRepositoryIsNotFoundAndWritesNothing() {
        assertThatThrownBy(() -> Repository.open(store, PASSPHRASE))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).startsWith("no Hindsight repository at " + store.describe());
                    assertThat(e.hint()).isNotBlank();
                });
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void emptyPassphraseIsRefused() {
        assertThatThrownBy(() -> Repository.openOrCreate(store, new char[0]))
                .isInstanceOfSatisfying(HindsightException.class,
                        e -> assertThat(e.kind()).isEqualTo(HindsightException.Kind.INVALID_INPUT));
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void damagedKeyringFallsBackToItsCopy() throws IOException {
        Repository created = Repository.openOrCreate(store, PASSPHRASE);
        created.writeBytes("k", bytes("v"));
        Files.writeString(root.resolve(Layout.KEYRING), "{\"format\":1, \"keyId\": \"trunc");
        Repository reopened = Repository.openOrCreate(store, PASSPHRASE);
        assertThat(reopened.keyId()).isEqualTo(created.keyId());
        assertThat(reopened.readBytes("k")).isEqualTo(bytes("v"));
    }

    @Test
    void missingKeyringCopyIsWrittenAgainAfterUnlocking() throws IOException {
        Repository.openOrCreate(store, PASSPHRASE);
        byte[] keyring = Files.readAllBytes(root.resolve(Layout.KEYRING));
        Files.delete(root.resolve(Layout.keyringCopy()));
        Repository.open(store, PASSPHRASE);
        assertThat(Files.readAllBytes(root.resolve(Layout.keyringCopy()))).isEqualTo(keyring);
    }

    @Test
    void aRepositoryWithACatalogButNoKeyringIsCorruptAndNoNewKeyIsMade() throws IOException {
        Repository.openOrCreate(store, PASSPHRASE).updateCatalog(c -> c);
        Files.delete(root.resolve(Layout.KEYRING));
        Files.delete(root.resolve(Layout.keyringCopy()));
        assertThatThrownBy(() -> Repository.openOrCreate(store, PASSPHRASE))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.CORRUPT);
                    assertThat(e.getMessage()).contains("holds a catalog", "unreadable", "none was made");
                    assertThat(e.hint()).contains("zone or geo");
                });
        assertThat(root.resolve(Layout.KEYRING)).doesNotExist();
        assertThat(root.resolve(Layout.keyringCopy())).doesNotExist();
    }

    @Test
    void bothKeyringCopiesDamagedIsCorruptAndNoNewKeyIsMade() throws IOException {
        Repository.openOrCreate(store, PASSPHRASE);
        Files.writeString(root.resolve(Layout.KEYRING), "garbage");
        Files.writeString(root.resolve(Layout.keyringCopy()), "{\"format\": 7}");
        assertThatThrownBy(() -> Repository.openOrCreate(store, PASSPHRASE))
                .isInstanceOfSatisfying(HindsightException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HindsightException.Kind.CORRUPT);
                    assertThat(e.getMessage()).contains(Layout.KEYRING).contains(Layout.keyringCopy());
                    assertThat(e.hint()).contains("copy");
                });
        assertThat(Files.readString(root.resolve(Layout.KEYRING))).isEqualTo("garbage");
    }

    @Test
    void writeReturnsTheStoredSizeAndReadsBack() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        byte[] plain = CodecTest.compressible(1 << 20);
        long stored = repository.write("servers/a/backups/b/bundle-00-000001", out -> {
            out.write(plain, 0, 1000);
            out.write(plain, 1000, plain.length - 1000);
        });
        assertThat(stored).isEqualTo(Files.size(root.resolve("servers/a/backups/b/bundle-00-000001")))
                .isLessThan(plain.length / 4);
        assertThat(repository.readBytes("servers/a/backups/b/bundle-00-000001")).isEqualTo(plain);
        assertThat(repository.list("servers/a/").stream().map(ObjectInfo::key))
                .containsExactly("servers/a/backups/b/bundle-00-000001");
        repository.delete("servers/a/backups/b/bundle-00-000001");
        assertThatThrownBy(() -> repository.read("servers/a/backups/b/bundle-00-000001"))
                .isInstanceOf(NoSuchObjectException.class);
    }

    @Test
    void aFailingBodyPublishesNothing() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        assertThatThrownBy(() -> repository.write("servers/a/manifest", out -> {
            out.write(new byte[200_000]);
            throw new IOException("source went away");
        })).hasMessage("source went away");
        assertThat(repository.list("servers/")).isEmpty();
        assertThat(store.stat("servers/a/manifest")).isEmpty();
    }

    @Test
    void aBodyMayCloseItsStream() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        repository.write("k", out -> {
            try (out) {
                out.write(bytes("closed by the body"));
            }
        });
        assertThat(repository.readBytes("k")).isEqualTo(bytes("closed by the body"));
    }

    @Test
    void aFlippedByteInAStoredObjectIsDetected() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        repository.writeBytes("servers/a/manifest", CodecTest.seeded(300_000, 1));
        Path file = root.resolve("servers/a/manifest");
        byte[] stored = Files.readAllBytes(file);
        stored[stored.length / 2] ^= 0x10;
        Files.write(file, stored);
        assertThatThrownBy(() -> repository.readBytes("servers/a/manifest"))
                .isInstanceOfSatisfying(CorruptObjectException.class, e -> {
                    assertThat(e.key()).isEqualTo("servers/a/manifest");
                    assertThat(e.getMessage()).contains("checksum mismatch in frame");
                });
    }

    @Test
    void anObjectCopiedUnderAnotherNameIsDetected() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        repository.writeBytes("servers/a/backups/b1/manifest", bytes("{}"));
        Files.createDirectories(root.resolve("servers/a/backups/b2"));
        Files.copy(root.resolve("servers/a/backups/b1/manifest"), root.resolve("servers/a/backups/b2/manifest"));
        assertThatThrownBy(() -> repository.readBytes("servers/a/backups/b2/manifest"))
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining("authentication");
    }

    @Test
    void jsonRoundTrips() throws IOException {
        Repository repository = Repository.openOrCreate(store, PASSPHRASE);
        record Note(String text, List<Integer> numbers) {
        }
        repository.writeJson("servers/a/note", new Note("hi", List.of(1, 2)));
        assertThat(repository.readJson("servers/a/note", Note.class)).isEqualTo(new Note("hi", List.of(1, 2)));
    }

    @FunctionalInterface
    interface ThrowingOpen {
        Repository open(FileStore store, char[] passphrase) throws IOException;
    }

    private Map<String, Long> sizes() throws IOException {
        Map<String, Long> sizes = new java.util.TreeMap<>();
        for (ObjectInfo info : store.list("")) {
            sizes.put(info.key(), info.size());
        }
        try (var files = Files.walk(root)) {
            sizes.put("files on disk", files.count());
        }
        return sizes;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
