package dev.hindsight.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link Store} contract, run against every implementation: a subclass supplies a fresh,
 * empty store in {@code store} before each test, and says what "nothing else is there" means
 * for it ({@link #assertOnlyObjects}: no stray temporary file, no half-uploaded object).
 */
public abstract class StoreContract {
    protected Store store;

    /** Only these committed objects exist, and nothing uncommitted is left behind. */
    protected abstract void assertOnlyObjects(String... keys) throws IOException;

    @Test
    public void nothingIsVisibleBeforeCommit() throws IOException {
        try (ObjectWriter out = store.create("servers/a/manifest")) {
            out.write(bytes("hello"));
            out.flush();
            assertThat(store.stat("servers/a/manifest")).isEmpty();
            assertThat(store.list("")).isEmpty();
            assertThatThrownBy(() -> store.open("servers/a/manifest")).isInstanceOf(NoSuchObjectException.class);
            out.commit();
            assertThat(out.written()).isEqualTo(5);
        }
        assertThat(read(store.open("servers/a/manifest"))).isEqualTo("hello");
        assertThat(store.stat("servers/a/manifest")).hasValueSatisfying(info -> {
            assertThat(info.key()).isEqualTo("servers/a/manifest");
            assertThat(info.size()).isEqualTo(5);
        });
        assertOnlyObjects("servers/a/manifest");
    }

    @Test
    public void closingWithoutCommitLeavesNothing() throws IOException {
        try (ObjectWriter out = store.create("servers/a/bundle")) {
            out.write(new byte[300_000]);
        }
        assertThat(store.stat("servers/a/bundle")).isEmpty();
        assertThat(store.list("")).isEmpty();
        assertOnlyObjects();
    }

    @Test
    public void neverOverwrites() throws IOException {
        put("k", "first");
        try (ObjectWriter out = store.create("k")) {
            out.write(bytes("second"));
            assertThatThrownBy(out::commit).isInstanceOf(ObjectExistsException.class).hasMessageContaining("k");
        }
        assertThat(read(store.open("k"))).isEqualTo("first");
        assertOnlyObjects("k");
    }

    @Test
    public void ofTwoConcurrentWritersTheFirstCommitWins() throws IOException {
        try (ObjectWriter a = store.create("k"); ObjectWriter b = store.create("k")) {
            a.write(bytes("a"));
            b.write(bytes("b"));
            b.commit();
            assertThatThrownBy(a::commit).isInstanceOf(ObjectExistsException.class);
        }
        assertThat(read(store.open("k"))).isEqualTo("b");
        assertOnlyObjects("k");
    }

    @Test
    public void writerRefusesUseAfterCommit() throws IOException {
        try (ObjectWriter out = store.create("k")) {
            out.commit();
            assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessageContaining("committed");
        }
        assertThat(store.stat("k")).hasValueSatisfying(info -> assertThat(info.size()).isZero());
    }

    @Test
    public void listsSortedAcrossLevelsAndHidesUncommittedObjects() throws IOException {
        for (String key : List.of("servers/b/x", "servers/a/wal/00000001/000000010000000000000002-0-1-5",
                "servers/a/wal/00000001/000000010000000000000001-0-1-5", "servers/a-b", "catalog/catalog-1", "z")) {
            put(key, key);
        }
        try (ObjectWriter pending = store.create("servers/a/wal/00000001/000000010000000000000003-0-1-5")) {
            pending.write(1);
            assertThat(store.list("").stream().map(ObjectInfo::key)).containsExactly(
                    "catalog/catalog-1", "servers/a-b",
                    "servers/a/wal/00000001/000000010000000000000001-0-1-5",
                    "servers/a/wal/00000001/000000010000000000000002-0-1-5", "servers/b/x", "z");
        }
        assertThat(store.list("servers/a/").stream().map(ObjectInfo::key)).hasSize(2);
        assertThat(store.list("servers/a").stream().map(ObjectInfo::key)).hasSize(3);
        assertThat(store.list("servers/a/wal/00000001/0000000100000000000000").stream().map(ObjectInfo::key))
                .hasSize(2);
        assertThat(store.list("servers/a/wal/00000001/000000010000000000000002").stream().map(ObjectInfo::key))
                .containsExactly("servers/a/wal/00000001/000000010000000000000002-0-1-5");
        assertThat(store.list("servers/c")).isEmpty();
        assertThat(store.list("nowhere/at/all/")).isEmpty();
        assertThat(store.list("servers/b/x").get(0).size()).isEqualTo(11);
    }

    @Test
    public void readsRanges() throws IOException {
        put("k", "0123456789");
        assertThat(read(store.open("k", 3, 4))).isEqualTo("3456");
        assertThat(read(store.open("k", 0, 0))).isEmpty();
        assertThat(read(store.open("k", 8, 100))).isEqualTo("89");
        assertThat(read(store.open("k", 20, 5))).isEmpty();
        try (InputStream in = store.open("k", 2, 6)) {
            assertThat(in.skip(2)).isEqualTo(2);
            assertThat(in.read()).isEqualTo('4');
            assertThat(in.readAllBytes()).isEqualTo(bytes("567"));
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> store.open("k", -1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open("missing", 0, 2)).isInstanceOf(NoSuchObjectException.class)
                .hasMessageContaining("missing").hasMessageContaining(store.describe());
    }

    @Test
    public void aKeyPrefixIsNotAnObject() throws IOException {
        put("servers/a/manifest", "m");
        assertThat(store.stat("servers/a")).isEmpty();
        assertThatThrownBy(() -> store.open("servers/a")).isInstanceOf(NoSuchObjectException.class);
        store.delete("servers/a");
        assertThat(store.stat("servers/a/manifest")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "a/../../b", "..", "a/./b", "a//b", "a/b/", "a\\b", ".tmp-1",
            "a/.tmp-x"})
    public void rejectsBadKeys(String key) throws IOException {
        assertThatThrownBy(() -> store.create(key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid object key");
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.stat(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
        assertOnlyObjects();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "../", "a//", "a/../b"})
    public void rejectsBadPrefixes(String prefix) {
        assertThatThrownBy(() -> store.list(prefix)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void aLargeObjectComesBackWholeAndInRanges() throws IOException {
        byte[] data = new byte[(20 << 20) + 12345];
        new Random(7).nextBytes(data);
        try (ObjectWriter out = store.create("servers/a/backups/b/bundle-00-000001")) {
            for (int at = 0; at < data.length; at += 1 << 20) {
                out.write(data, at, Math.min(1 << 20, data.length - at));
            }
            out.commit();
            assertThat(out.written()).isEqualTo(data.length);
        }
        try (InputStream in = store.open("servers/a/backups/b/bundle-00-000001")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        try (InputStream in = store.open("servers/a/backups/b/bundle-00-000001", 9 << 20, 3 << 20)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 9 << 20, 12 << 20));
        }
        assertThat(store.stat("servers/a/backups/b/bundle-00-000001")).hasValueSatisfying(
                info -> assertThat(info.size()).isEqualTo(data.length));
        assertOnlyObjects("servers/a/backups/b/bundle-00-000001");
    }

    @Test
    public void deleteIsIdempotent() throws IOException {
        put("servers/a/backups/b1/manifest", "m");
        put("servers/a/backups/b2/manifest", "m");
        store.delete("servers/a/backups/b1/manifest");
        store.delete("servers/a/backups/b1/manifest");
        store.delete("never/written");
        assertThat(store.list("").stream().map(ObjectInfo::key)).containsExactly("servers/a/backups/b2/manifest");
        put("servers/a/backups/b1/manifest", "again");
        assertThat(read(store.open("servers/a/backups/b1/manifest"))).isEqualTo("again");
    }

    protected void put(String key, String content) throws IOException {
        try (ObjectWriter out = store.create(key)) {
            out.write(bytes(content));
            out.commit();
        }
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every regular file under a file store's root (or several roots' parent): what is really on disk. */
    protected static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
