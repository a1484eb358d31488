package dev.hindsight.repo;

import dev.hindsight.store.ObjectWriter;
import dev.hindsight.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Repairs damaged or missing copies of an object from a good one: the good copy's bytes are
 * checked by decoding them as they are copied, and the repair is committed only if they decode
 * whole. Every repair, or failure to repair, is logged and counted, and reported to a listener.
 */
public final class Healer {
    private static final Logger log = LoggerFactory.getLogger(Healer.class);

    /** One copy found damaged, and what was done about it. */
    public record Event(String key, String copy, String problem, boolean repaired, String detail) {
    }

    private final Codec codec;
    private final AtomicLong repaired = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Consumer<Event> listener = e -> { };

    Healer(Codec codec) {
        this.codec = codec;
    }

    public void onEvent(Consumer<Event> listener) {
        this.listener = listener;
    }

    public long repairedCount() {
        return repaired.get();
    }

    public long failedCount() {
        return failed.get();
    }

    void repair(String key, Store good, List<Store> damaged, List<String> problems) {
        for (int i = 0; i < damaged.size(); i++) {
            repairOne(key, good, damaged.get(i), problems.get(i));
        }
    }

    /** Replaces {@code key} in {@code damaged} with the bytes of {@code good}, verified on the way. */
    public Event repairOne(String key, Store good, Store damaged, String problem) {
        Event event;
        try {
            damaged.delete(key);
            copyVerified(key, good, damaged);
            repaired.incrementAndGet();
            event = new Event(key, damaged.describe(), problem, true, "copied from " + good.describe());
            log.warn("Repaired {} in {} ({}) from {}", key, damaged.describe(), problem, good.describe());
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            event = new Event(key, damaged.describe(), problem, false, String.valueOf(e.getMessage()));
            log.error("Could not repair {} in {} ({}): {}", key, damaged.describe(), problem, e.getMessage());
        }
        listener.accept(event);
        return event;
    }

    /**
     * Copies an object's stored bytes from one copy to another, committing only if they decode
     * whole under the repository's key: a damaged source is never spread. An object the source
     * holds immutable is held so in the copy too (if it can), until the same time: a repair must
     * not leave a copy an attacker could delete.
     */
    public void copyVerified(String key, Store from, Store to) throws IOException {
        java.util.Optional<java.time.Instant> protectedUntil = from.protectedUntil(key);
        try (InputStream raw = from.open(key); ObjectWriter out = to.create(key);
             InputStream decoded = codec.decoder(key, new Tee(raw, out))) {
            decoded.transferTo(OutputStream.nullOutputStream());
            out.commit();
        }
        if (protectedUntil.isPresent() && to.immutabilityRefusal().isEmpty()) {
            try {
                to.protect(key, protectedUntil.get());
            } catch (IOException | RuntimeException e) {
                try {
                    to.delete(key); // not kept unprotected: the next copy or read tries again
                } catch (IOException notDeleted) {
                    e.addSuppressed(notDeleted);
                }
                throw e;
            }
        }
    }

    /** Passes the raw bytes read on to the repair's writer. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;

        Tee(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
        }
    }
}
