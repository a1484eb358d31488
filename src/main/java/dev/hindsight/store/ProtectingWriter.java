package dev.hindsight.store;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Writes an object whose copies the storage must hold immutable: once every copy has published
 * it, each is protected until the commit time plus the period. Only then is it acknowledged; if a
 * copy cannot be protected, the copies are removed again (none was acknowledged, and none is
 * protected yet where it failed) and the failure is thrown.
 */
public final class ProtectingWriter extends ObjectWriter {
    private final ObjectWriter writer;
    private final String key;
    private final List<Store> copies;
    private final Duration period;
    private final Clock clock;

    public ProtectingWriter(ObjectWriter writer, String key, List<Store> copies, Duration period, Clock clock) {
        this.writer = writer;
        this.key = key;
        this.copies = List.copyOf(copies);
        this.period = period;
        this.clock = clock;
    }

    @Override
    public void write(int b) throws IOException {
        writer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        writer.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        writer.flush();
    }

    @Override
    public void commit() throws IOException {
        writer.commit();
        Instant until = clock.instant().plus(period);
        for (Store copy : copies) {
            try {
                copy.protect(key, until);
            } catch (IOException | RuntimeException e) {
                IOException failure = new IOException("cannot make " + key + " immutable in " + copy.describe()
                        + " (the object is not kept): " + e.getMessage(), e);
                for (Store c : copies) {
                    try {
                        c.delete(key);
                    } catch (IOException other) {
                        failure.addSuppressed(other);
                    }
                }
                throw failure;
            }
        }
    }

    @Override
    public long written() {
        return writer.written();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
