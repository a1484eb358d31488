package dev.hindsight.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retries only what may pass when tried again; a permanent failure goes to the caller at once. */
class RetryingStoreTest {
    @TempDir
    Path tmp;

    /** A real file store whose next {@code outages} requests find it unreachable. */
    static final class Flaky implements Store {
        final FileStore store;
        final AtomicInteger outages;
        final AtomicInteger calls = new AtomicInteger();

        Flaky(FileStore store, int outages) {
            this.store = store;
            this.outages = new AtomicInteger(outages);
        }

        private void maybeDown() throws StoreUnavailableException {
            calls.incrementAndGet();
            if (outages.getAndDecrement() > 0) {
                throw new StoreUnavailableException("connection refused", null);
            }
        }

        @Override
        public ObjectWriter create(String key) throws IOException {
            maybeDown();
            return store.create(key);
        }

        @Override
        public InputStream open(String key) throws IOException {
            maybeDown();
            return store.open(key);
        }

        @Override
        public InputStream open(String key, long offset, long length) throws IOException {
            maybeDown();
            return store.open(key, offset, length);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) throws IOException {
            maybeDown();
            return store.stat(key);
        }

        @Override
        public List<ObjectInfo> list(String prefix) throws IOException {
            maybeDown();
            return store.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            maybeDown();
            store.delete(key);
        }

        @Override
        public String describe() {
            return store.describe(); // its errors are the file store's, which name it so
        }
    }

    @Test
    void aShortOutageIsRiddenOut() throws IOException {
        Flaky flaky = new Flaky(new FileStore(tmp), 2);
        Store store = new RetryingStore(flaky, 4, Duration.ofMillis(1));
        try (ObjectWriter out = store.create("k")) {
            out.write(1);
            out.commit();
        }
        assertThat(flaky.calls.get()).isEqualTo(3);
        assertThat(store.stat("k")).isPresent();
    }

    @Test
    void aLongOutageIsReportedAfterTheLastAttempt() {
        Flaky flaky = new Flaky(new FileStore(tmp), 100);
        Store store = new RetryingStore(flaky, 4, Duration.ofMillis(1));
        assertThatThrownBy(() -> store.list("")).isInstanceOf(StoreUnavailableException.class);
        assertThat(flaky.calls.get()).isEqualTo(4);
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        Flaky flaky = new Flaky(new FileStore(tmp), 0);
        Store store = new RetryingStore(flaky, 4, Duration.ofMillis(1));
        assertThatThrownBy(() -> store.open("missing")).isInstanceOf(NoSuchObjectException.class);
        assertThat(flaky.calls.get()).isEqualTo(1);
    }
}
