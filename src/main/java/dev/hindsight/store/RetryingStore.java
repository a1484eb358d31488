package dev.hindsight.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tries a store's requests again when it was unavailable ({@link StoreUnavailableException}),
 * with exponential backoff, a few times; permanent failures pass through at once. Writes are the
 * writer's own: the cloud stores' SDKs resend a part or an upload themselves, and a stream
 * cannot be replayed here. After the last attempt the failure goes to the caller, which must not
 * wait forever: log capture keeps its position and tries again, the server keeps the log.
 */
public final class RetryingStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(RetryingStore.class);

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private final Store store;
    private final int attempts;
    private final Duration firstBackoff;

    public RetryingStore(Store store, int attempts, Duration firstBackoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.store = store;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
    }

    /** Four attempts, 250 ms apart doubling: a store that is down is reported within about two seconds. */
    public static RetryingStore standard(Store store) {
        return new RetryingStore(store, 4, Duration.ofMillis(250));
    }

    private <T> T retried(String what, Call<T> call) throws IOException {
        long backoff = firstBackoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (StoreUnavailableException e) {
                if (attempt == attempts) {
                    throw e;
                }
                log.debug("{} in {} failed ({}); attempt {} of {} in {} ms", what, store.describe(), e.getMessage(),
                        attempt + 1, attempts, backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while waiting to retry " + what);
                }
                backoff *= 2;
            }
        }
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        return retried("create " + key, () -> store.create(key));
    }

    @Override
    public InputStream open(String key) throws IOException {
        return retried("read " + key, () -> store.open(key));
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        return retried("read " + key, () -> store.open(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return retried("stat " + key, () -> store.stat(key));
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return retried("list " + prefix, () -> store.list(prefix));
    }

    @Override
    public void delete(String key) throws IOException {
        retried("delete " + key, () -> {
            store.delete(key);
            return null;
        });
    }

    @Override
    public Optional<String> immutabilityRefusal() throws IOException {
        return retried("probe immutability", store::immutabilityRefusal);
    }

    @Override
    public void protect(String key, Instant until) throws IOException {
        retried("protect " + key, () -> {
            store.protect(key, until);
            return null;
        });
    }

    @Override
    public Optional<Instant> protectedUntil(String key) throws IOException {
        return retried("read the protection of " + key, () -> store.protectedUntil(key));
    }

    @Override
    public String describe() {
        return store.describe();
    }
}
