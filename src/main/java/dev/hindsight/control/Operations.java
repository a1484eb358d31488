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
    private final java.util.List<java.util.function.Consumer<Operation>> watchers
            = new java.util.concurrent.CopyOnWriteArrayList<>();
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

    /** Adds a watcher told of every change of every operation, as the database now has it; it must be quick. */
    public void onChange(java.util.function.Consumer<Operation> watcher) {
        watchers.add(watcher);
    }

    private void changed(String id) {
        if (watchers.isEmpty()) {
            return;
        }
        try {
            db.operation(id).ifPresent(op -> watchers.forEach(w -> w.accept(op)));
        } catch (RuntimeException e) {
            log.debug("could not tell of a change of operation {}: {}", id, e.toString());
        }
    }

    public Operation submit(String kind, String target, String requestedBy, Work work) {
        Operation op = new Operation(UUID.randomUUID().toString(), kind, target, Operation.RUNNING, "starting",
                0, -1, Progress.Unit.BYTES.text(), null, null, null, clock.instant(), null, requestedBy);
        db.insertOperation(op);
        changed(op.id());
        pool.submit(() -> execute(op, work));
        return op;
    }

    private void execute(Operation op, Work work) {
        Progress progress = new Progress() {
            private long last;
            private String lastPhase;

            @Override
            public void update(String phase, long done, long total) {
                update(phase, done, total, Unit.BYTES);
            }

            /** A new step is written at once (a short one is seen too); the same step a few times a second. */
            @Override
            public void update(String phase, long done, long total, Unit unit) {
                long now = System.currentTimeMillis();
                synchronized (this) {
                    if (phase.equals(lastPhase) && now - last < PROGRESS_EVERY_MILLIS) {
                        return;
                    }
                    last = now;
                    lastPhase = phase;
                }
                db.progress(op.id(), phase, done, total, unit.text());
                changed(op.id());
            }
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
        changed(id);
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
