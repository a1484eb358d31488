package dev.hindsight.control;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the console's Activity page shows live: every change of an operation (started, a new
 * step or more done, ended) and every audit entry, handed to whoever listens (the API's event
 * stream) as it happens. Nothing is kept: a listener that comes later reads the lists first.
 */
public final class ActivityFeed {
    private static final Logger log = LoggerFactory.getLogger(ActivityFeed.class);

    /** @param data an {@link Operation} or an {@link AuditEntry} */
    public record Event(Kind kind, Object data) {
    }

    public enum Kind {
        OPERATION, AUDIT;

        public String text() {
            return name().toLowerCase();
        }
    }

    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener; it runs on the thread that made the change and must not block. Returns its removal. */
    public Runnable listen(Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(Kind kind, Object data) {
        for (Consumer<Event> listener : listeners) {
            try {
                listener.accept(new Event(kind, data));
            } catch (RuntimeException e) {
                log.debug("an activity listener failed: {}", e.toString());
            }
        }
    }
}
