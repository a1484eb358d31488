package dev.hindsight.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract on a filesystem, and what is particular to files: directories, temporary files. */
class FileStoreTest extends StoreContract {
    @TempDir
    Path root;

    @BeforeEach
    void setUp() {
        store = new FileStore(root);
    }

    @Override
    protected void assertOnlyObjects(String... keys) throws IOException {
        assertThat(filesUnder(root)).containsExactlyInAnyOrderElementsOf(Arrays.stream(keys).map(root::resolve).toList());
    }

    @Test
    void deleteTidiesEmptyDirectories() throws IOException {
        put("servers/a/backups/b1/manifest", "m");
        put("servers/a/backups/b2/manifest", "m");
        store.delete("servers/a/backups/b1/manifest");
        assertThat(root.resolve("servers/a/backups/b1")).doesNotExist();
        assertThat(root.resolve("servers/a/backups")).isDirectory();
        store.delete("servers/a/backups/b2/manifest");
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void aKeyBelowAnObjectIsAbsent() throws IOException {
        put("servers/a", "an object, not a directory");
        assertThat(store.stat("servers/a/manifest")).isEmpty();
        assertThatThrownBy(() -> store.open("servers/a/manifest")).isInstanceOf(NoSuchObjectException.class);
        store.delete("servers/a/manifest");
        assertThat(store.list("servers/a/")).isEmpty();
        assertThatThrownBy(() -> store.create("servers/a/manifest")).isInstanceOf(IOException.class)
                .hasMessageContaining("in the way");
        assertThat(read(store.open("servers/a"))).isEqualTo("an object, not a directory");
    }

    @Test
    void describesItself() {
        assertThat(store.describe()).isEqualTo("file:" + root.toAbsolutePath());
    }
}
