package dev.hindsight.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract through the retrying wrapper, over a file store that is unreachable for
 * the first requests: what the wrapper retries must still be exactly the store underneath.
 */
class RetryingStoreContractTest extends StoreContract {
    @TempDir
    Path root;

    @BeforeEach
    void setUp() {
        store = new RetryingStore(new RetryingStoreTest.Flaky(new FileStore(root), 2), 3, Duration.ofMillis(1));
    }

    @Override
    protected void assertOnlyObjects(String... keys) throws IOException {
        assertThat(filesUnder(root)).containsExactlyInAnyOrderElementsOf(
                java.util.Arrays.stream(keys).map(root::resolve).toList());
    }
}
