package dev.hindsight.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes one object to several copies at once: the bytes go to every copy's writer, and
 * {@link #commit()} returns only when every copy has published it (in parallel, so slow copies
 * overlap). If any copy fails, the object is not acknowledged: the copies that did publish it
 * are deleted again (they were never acknowledged) and the failure is thrown.
 */
public final class MirroredWriter extends ObjectWriter {
    private static final ExecutorService COMMITS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mirrored-commit");
        t.setDaemon(true);
        return t;
    });

    private final String key;
    private final List<Store> stores;
    private final List<ObjectWriter> writers;
    private long written;

    private MirroredWriter(String key, List<Store> stores, List<ObjectWriter> writers) {
        this.key = key;
        this.stores = stores;
        this.writers = writers;
    }

    /** Starts the object in every store; if one cannot start it, those started are abandoned. */
    public static ObjectWriter create(String key, List<Store> stores) throws IOException {
        if (stores.size() == 1) {
            return stores.get(0).create(key);
        }
        List<ObjectWriter> writers = new ArrayList<>();
        try {
            for (Store store : stores) {
                writers.add(store.create(key));
            }
        } catch (IOException | RuntimeException e) {
            closeAll(writers, e);
            throw e;
        }
        return new MirroredWriter(key, List.copyOf(stores), writers);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (ObjectWriter w : writers) {
            w.write(b, off, len);
        }
        written += len;
    }

    @Override
    public void flush() throws IOException {
        for (ObjectWriter w : writers) {
            w.flush();
        }
    }

    @Override
    public void commit() throws IOException {
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        for (ObjectWriter w : writers) {
            commits.add(CompletableFuture.runAsync(() -> {
                try {
                    w.commit();
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, COMMITS));
        }
        IOException failure = null;
        List<Store> published = new ArrayList<>();
        for (int i = 0; i < commits.size(); i++) {
            try {
                commits.get(i).join();
                published.add(stores.get(i));
            } catch (CompletionException e) {
                IOException cause = e.getCause() instanceof IOException io ? io
                        : new IOException("cannot write " + key + " to " + stores.get(i).describe(), e.getCause());
                if (failure == null || failure instanceof ObjectExistsException) {
                    failure = cause; // an unavailable copy says more than an existing object
                }
            }
        }
        if (failure != null) {
            for (Store store : published) {
                try {
                    store.delete(key);
                } catch (IOException e) {
                    failure.addSuppressed(e);
                }
            }
            throw failure;
        }
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        closeAll(writers, null);
    }

    private static void closeAll(List<ObjectWriter> writers, Throwable primary) throws IOException {
        IOException first = null;
        for (ObjectWriter w : writers) {
            try {
                w.close();
            } catch (IOException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
