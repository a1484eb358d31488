package dev.hindsight.store;

import java.io.IOException;
import java.util.Arrays;

/**
 * The writer of a cloud object store: bytes are buffered up to one part; an object that fits in
 * one part is sent whole at {@link #commit()}, a larger one is sent part by part as they fill
 * and published at commit. Either way the service makes it visible only when complete, so the
 * subclass only says how to send a part, publish, and abandon.
 */
abstract class PartedObjectWriter extends ObjectWriter {
    protected final String key;
    private final int partSize;
    private byte[] buffer = new byte[64 << 10];
    private int buffered;
    private long written;
    private int partsSent;
    private boolean committed;
    private boolean closed;

    PartedObjectWriter(String key, int partSize) {
        this.key = key;
        this.partSize = partSize;
    }

    /** Sends part {@code number} (1-based) of a multi-part object. */
    protected abstract void sendPart(int number, byte[] bytes, int length) throws IOException;

    /** Publishes an object that fits in one part, refusing to overwrite ({@link ObjectExistsException}). */
    protected abstract void publishWhole(byte[] bytes, int length) throws IOException;

    /** Publishes the {@code parts} parts sent, refusing to overwrite ({@link ObjectExistsException}). */
    protected abstract void publishParts(int parts) throws IOException;

    /** Releases what the parts sent hold at the service; called only if some were sent and no commit happened. */
    protected abstract void abandonParts() throws IOException;

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (committed || closed) {
            throw new IOException("object " + key + " is already " + (committed ? "committed" : "closed"));
        }
        while (len > 0) {
            if (buffered == partSize) {
                flushPart();
            }
            if (buffered == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(partSize, buffer.length * 2));
            }
            int n = Math.min(len, buffer.length - buffered);
            System.arraycopy(b, off, buffer, buffered, n);
            buffered += n;
            off += n;
            len -= n;
            written += n;
        }
    }

    private void flushPart() throws IOException {
        sendPart(partsSent + 1, buffer, buffered);
        partsSent++;
        buffered = 0;
    }

    @Override
    public void commit() throws IOException {
        if (committed) {
            return;
        }
        if (closed) {
            throw new IOException("object " + key + " was abandoned; it cannot be committed");
        }
        if (partsSent == 0) {
            publishWhole(buffer, buffered);
        } else {
            if (buffered > 0) {
                flushPart();
            }
            publishParts(partsSent);
        }
        committed = true;
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        buffer = null;
        if (!committed && partsSent > 0) {
            abandonParts();
        }
    }
}
