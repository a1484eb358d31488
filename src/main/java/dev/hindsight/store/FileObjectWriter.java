package dev.hindsight.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a {@link FileStore} object to a temporary file in its destination directory, and on
 * commit links it under its final name. A link, unlike a rename, refuses to replace an existing
 * object, and both names point at the same complete, synced bytes.
 */
final class FileObjectWriter extends ObjectWriter {
    /** Codec frames are ~64 KiB; this batches a few of them per system call. */
    private static final int BUFFER_SIZE = 256 * 1024;

    private enum State { OPEN, COMMITTED, CLOSED }

    private final String key;
    private final Path temporary;
    private final Path target;
    private final String store;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    private long written;
    private State state = State.OPEN;

    FileObjectWriter(String key, Path temporary, Path target, String store) throws IOException {
        this.key = key;
        this.temporary = temporary;
        this.target = target;
        this.store = store;
        this.channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
        written++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        if (length > buffer.remaining()) {
            drain();
        }
        if (length >= buffer.capacity()) {
            writeFully(ByteBuffer.wrap(bytes, offset, length));
        } else {
            buffer.put(bytes, offset, length);
        }
        written += length;
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        drain();
    }

    @Override
    public void commit() throws IOException {
        ensureOpen();
        drain();
        channel.force(true);
        channel.close();
        state = State.CLOSED;
        try {
            Files.createLink(target, temporary);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temporary);
            throw new ObjectExistsException(key);
        } catch (IOException | UnsupportedOperationException e) {
            Files.deleteIfExists(temporary);
            throw new IOException("cannot publish " + key + " in " + store + ": " + e
                    + " (the file store publishes with hard links; the file system must support them)", e);
        }
        state = State.COMMITTED;
        try {
            Files.delete(temporary);
        } catch (IOException e) {
            // published already; a leftover temporary name is hidden from listings and harmless
        }
        Directories.sync(target.getParent());
    }

    @Override
    public long written() {
        return written;
    }

    /** Without a commit, abandons the object: its temporary file is removed and nothing is published. */
    @Override
    public void close() throws IOException {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSED;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            channel.write(source);
        }
    }

    private void ensureOpen() throws IOException {
        if (state != State.OPEN) {
            throw new IOException("the writer of " + key + " in " + store + " is already "
                    + (state == State.COMMITTED ? "committed" : "closed") + "; start a new object instead");
        }
    }
}
