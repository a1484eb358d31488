package dev.hindsight.control;

import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import dev.hindsight.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs long requests in the background as {@link Operation}s the CLI can follow: progress is
 * recorded at most a few times a second, and the outcome (a result or an error with its hint)
 * when it ends.
 */
public final class Operations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Operations.class);
    private static final long PROGRESS_EVERY_MILLIS = 250;

    /** The work of one operation; returns what to report as its result (serialized to JSON). */
    @FunctionalInterface
    public interface Work {
        Object run(Progress progress) throws Exception;
    }

    /** Told of each operation when it has ended, with what its work returned (null if it failed). */
    @FunctionalInterface
    public interface Listener {
        void finished(Operation operation, Object result);
    }

    /** Who starts the operations the daemon starts itself (first and scheduled backups). */
    public static final String BY_SCHEDULE = "schedule";

    private final ControlDb db;
    private final Clock clock;
    private final java.util.List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "operation");
        t.setDaemon(true);
        return t;
    });

    public Operations(ControlDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Adds a listener (the metrics); it runs on the operation's thread and must be quick. */
    public void onFinished(Listener listener) {
        listeners.add(listener);
    }

    public Operation submit(String kind, String target, String requestedBy, Work work) {
        Operation op = new Operation(UUID.randomUUID().toString(), kind, target, Operation.RUNNING, "starting",
                0, -1, null, null, null, clock.instant(), null, requestedBy);
        db.insertOperation(op);
        pool.submit(() -> execute(op, work));
        return op;
    }

    private void execute(Operation op, Work work) {
        long[] last = {0};
        Progress progress = (phase, done, total) -> {
            long now = System.currentTimeMillis();
            synchronized (last) {
                if (now - last[0] < PROGRESS_EVERY_MILLIS) {
                    return;
                }
                last[0] = now;
            }
            db.progress(op.id(), phase, done, total);
        };
        Object result = null;
        try {
            result = work.run(progress);
            db.finishOperation(op.id(), Operation.SUCCEEDED, null, null,
                    result == null ? null : Json.MAPPER.writeValueAsString(result));
        } catch (HindsightException e) {
            log.warn("{} of {} failed: {}", op.kind(), op.target(), e.getMessage());
            db.finishOperation(op.id(), Operation.FAILED, e.getMessage(), e.hint(), null);
        } catch (Exception e) {
            log.error("{} of {} failed", op.kind(), op.target(), e);
            db.finishOperation(op.id(), Operation.FAILED, String.valueOf(e.getMessage()),
                    "see the daemon's log for details", null);
        }
        tell(op.id(), result);
    }

    private void tell(String id, Object result) {
        try {
            db.operation(id).ifPresent(done -> listeners.forEach(l -> l.finished(done,
                    Operation.SUCCEEDED.equals(done.status()) ? result : null)));
        } catch (RuntimeException e) {
            log.warn("could not report the end of operation {}: {}", id, e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
