package dev.hindsight.repo;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The plaintext side of one object being written (see {@link Codec#encoder}). Small writes are
 * gathered before they cross into native zstd, which costs a JNI call per write.
 *
 * <p>{@link #close()} finishes the object and closes the raw stream. A caller that must act
 * between the two (commit an {@link dev.hindsight.store.ObjectWriter}, whose close abandons)
 * calls {@link #finish()} first; a caller whose body failed calls {@link #abort()} so that no
 * final frame is written and the partial bytes can never pass for a complete object.
 */
public final class Encoder extends OutputStream {
    private static final int INPUT_BUFFER = 64 * 1024;

    private enum State { OPEN, FINISHED, ABORTED, CLOSED }

    private final OutputStream raw;
    private final FrameWriter frames;
    private final ZstdOutputStreamNoFinalizer zstd;
    private final byte[] buffer = new byte[INPUT_BUFFER];
    private int count;
    private long plainBytes;
    private State state = State.OPEN;

    Encoder(OutputStream raw, FrameWriter frames, int level, int workers) throws IOException {
        this.raw = raw;
        this.frames = frames;
        this.zstd = new ZstdOutputStreamNoFinalizer(frames, RecyclingBufferPool.INSTANCE, level);
        try {
            if (workers > 0) {
                zstd.setWorkers(workers);
            }
        } catch (IOException e) {
            zstd.closeWithoutClosingParentStream();
            throw e;
        }
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
        plainBytes++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length > buffer.length - count) {
            drain();
        }
        if (length >= buffer.length) {
            zstd.write(bytes, offset, length);
        } else {
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        }
        plainBytes += length;
    }

    /**
     * Does nothing: an object only becomes visible when complete, so pushing out a partial zstd
     * block would cost compression and buy nothing.
     */
    @Override
    public void flush() {
    }

    /** Ends the object: compresses what is left and writes the final frame; leaves the raw stream open. */
    public void finish() throws IOException {
        if (state == State.FINISHED || state == State.CLOSED) {
            return;
        }
        ensureOpen();
        try {
            drain();
            zstd.closeWithoutClosingParentStream();
            frames.finish();
            state = State.FINISHED;
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Gives up on the object: frees the compressor, writes no final frame, leaves the raw stream open. */
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        frames.abandon();
        try {
            zstd.closeWithoutClosingParentStream(); // its last output goes nowhere: the frames are abandoned
        } catch (IOException e) {
            // the native context is released even when the flush fails, which is all we want here
        }
    }

    /** Finishes the object (unless aborted) and closes the raw stream. */
    @Override
    public void close() throws IOException {
        if (state == State.CLOSED) {
            return;
        }
        try {
            if (state == State.OPEN) {
                finish();
            }
        } finally {
            state = State.CLOSED;
            raw.close();
        }
    }

    /** Plaintext bytes written so far. */
    public long plainBytes() {
        return plainBytes;
    }

    private void drain() throws IOException {
        if (count > 0) {
            zstd.write(buffer, 0, count);
            count = 0;
        }
    }

    private void ensureOpen() throws IOException {
        if (state != State.OPEN) {
            throw new IOException("this object encoder is " + state.name().toLowerCase()
                    + "; nothing more can be written to it");
        }
    }
}
