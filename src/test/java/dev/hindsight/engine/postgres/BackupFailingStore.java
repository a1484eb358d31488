package dev.hindsight.engine.postgres;

import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.ObjectWriter;
import dev.hindsight.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A real store that goes down after a number of bundle objects: the "store down mid-backup" fault. */
final class BackupFailingStore implements Store {
    private final Store delegate;
    private final int bundlesBeforeFailure;
    private final AtomicInteger bundles = new AtomicInteger();

    BackupFailingStore(Store delegate, int bundlesBeforeFailure) {
        this.delegate = delegate;
        this.bundlesBeforeFailure = bundlesBeforeFailure;
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        if (key.contains("/bundle-") && bundles.incrementAndGet() > bundlesBeforeFailure) {
            throw new IOException("injected fault: the store is down (creating " + key + ")");
        }
        return delegate.create(key);
    }

    @Override
    public InputStream open(String key) throws IOException {
        return delegate.open(key);
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        return delegate.open(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return delegate.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public String describe() {
        return "failing(" + delegate.describe() + ")";
    }
}
