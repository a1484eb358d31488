package dev.hindsight.engine.postgres;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on a few threads and returns their results in task order. The first failure
 * interrupts every other task and is rethrown as itself (an IOException stays an IOException),
 * so a failed backup or restore never leaves threads behind writing into a half-done result.
 */
final class PgParallel {
    private PgParallel() {
    }

    static <T> List<T> run(String name, int threads, List<? extends Callable<? extends T>> tasks)
            throws IOException, InterruptedException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())), named(name));
        try {
            ExecutorCompletionService<T> done = new ExecutorCompletionService<>(pool);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<? extends T> task : tasks) {
                futures.add(done.submit(task::call));
            }
            for (int i = 0; i < tasks.size(); i++) {
                done.take().get(); // in completion order: the first failure surfaces at once
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } finally {
            stop(pool);
        }
    }

    /** Interrupts whatever still runs after a failure and waits for it, so callers can clean up. */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static IOException rethrow(Throwable cause) throws InterruptedException {
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        if (cause instanceof InterruptedException ie) {
            throw ie;
        }
        return cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
