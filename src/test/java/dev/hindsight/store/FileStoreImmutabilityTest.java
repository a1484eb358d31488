package dev.hindsight.store;

import dev.hindsight.testing.StepClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Immutable objects on a file system: the file system itself (the immutable attribute) refuses to
 * delete or change them, whatever Hindsight does, until the store lifts the attribute after the
 * protection ended. Tests run as root on ext4, as CI does; elsewhere the store must refuse.
 */
class FileStoreImmutabilityTest {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    @TempDir
    Path root;
    private final StepClock clock = new StepClock(T0);
    private FileStore store;

    @BeforeEach
    void setUp() {
        store = new FileStore(root, clock);
    }

    @AfterEach
    void liftEverything() throws IOException, InterruptedException {
        // the temporary directory could not be removed otherwise
        new ProcessBuilder("chattr", "-R", "-i", root.toString()).redirectErrorStream(true).start().waitFor();
    }

    @Test
    void theFileSystemRefusesToDeleteAProtectedObjectUntilItsProtectionEnds() throws IOException {
        assertThat(store.immutabilityRefusal()).as("this machine runs the tests as root on ext4").isEmpty();
        put("servers/s/wal/a", "log");
        store.protect("servers/s/wal/a", T0.plus(Duration.ofDays(2)));
        Path file = root.resolve("servers/s/wal/a");

        assertThatThrownBy(() -> Files.delete(file)).as("a raw delete, past Hindsight")
                .isInstanceOf(FileSystemException.class);
        assertThatThrownBy(() -> Files.writeString(file, "ransom", StandardOpenOption.TRUNCATE_EXISTING))
                .isInstanceOf(FileSystemException.class);
        assertThatThrownBy(() -> store.delete("servers/s/wal/a")).isInstanceOf(ObjectLockedException.class)
                .hasMessageContaining("until " + T0.plus(Duration.ofDays(2)));
        assertThatThrownBy(() -> put("servers/s/wal/a", "other")).isInstanceOf(ObjectExistsException.class);
        assertThat(store.protectedUntil("servers/s/wal/a")).contains(T0.plus(Duration.ofDays(2)));
        assertThat(Files.readString(file)).isEqualTo("log");

        clock.advance(Duration.ofDays(2).plusSeconds(1));
        assertThat(store.protectedUntil("servers/s/wal/a")).isEmpty();
        store.delete("servers/s/wal/a");
        assertThat(file).doesNotExist();
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void aProtectionIsExtendedButNeverShortened() throws IOException {
        put("servers/s/backups/b/data", "full");
        store.protect("servers/s/backups/b/data", T0.plus(Duration.ofDays(30)));
        store.protect("servers/s/backups/b/data", T0.plus(Duration.ofDays(7)));
        assertThat(store.protectedUntil("servers/s/backups/b/data")).contains(T0.plus(Duration.ofDays(30)));
        store.protect("servers/s/backups/b/data", T0.plus(Duration.ofDays(365)));
        clock.advance(Duration.ofDays(31));
        assertThatThrownBy(() -> store.delete("servers/s/backups/b/data")).isInstanceOf(ObjectLockedException.class);
        assertThatThrownBy(() -> Files.delete(root.resolve("servers/s/backups/b/data")))
                .isInstanceOf(FileSystemException.class);
    }

    @Test
    void anUnprotectedObjectIsDeletedAsAlwaysAndAMissingOneCannotBeProtected() throws IOException {
        put("servers/s/x", "plain");
        assertThat(store.protectedUntil("servers/s/x")).isEmpty();
        store.delete("servers/s/x");
        assertThat(store.stat("servers/s/x")).isEmpty();
        assertThatThrownBy(() -> store.protect("servers/s/missing", T0.plusSeconds(60)))
                .isInstanceOf(NoSuchObjectException.class);
    }

    @Test
    void theProbeLeavesNothingBehind() throws IOException {
        store.immutabilityRefusal();
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).isEmpty();
        }
    }

    private void put(String key, String text) throws IOException {
        try (ObjectWriter w = store.create(key)) {
            w.write(text.getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
    }
}
