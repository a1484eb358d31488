package dev.hindsight.storage;

import dev.hindsight.repo.Layout;
import dev.hindsight.store.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract over three filesystem copies of one site: every committed object is in
 * every copy it is placed in, and no copy keeps anything uncommitted.
 */
class PlacedStoreContractTest extends StoreContract {
    @TempDir
    Path root;

    List<Path> copies() {
        return List.of(root.resolve("copy1"), root.resolve("copy2"), root.resolve("copy3"));
    }

    @BeforeEach
    void setUp() {
        StorageConfig config = new StorageConfig("east", null, null, List.of(SiteConfig.filesystem("a", "east",
                copies().stream().map(Path::toString).toList())));
        store = new PlacedStore(new Storage(config), Layout::serverOf, Layout.sharedObjects());
    }

    @Override
    protected void assertOnlyObjects(String... keys) throws IOException {
        for (Path copy : copies()) {
            List<Path> expected = new ArrayList<>();
            for (String key : keys) {
                expected.add(copy.resolve(key));
            }
            assertThat(filesUnder(root).stream().filter(f -> f.startsWith(copy)).toList()).as("copy %s", copy)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
