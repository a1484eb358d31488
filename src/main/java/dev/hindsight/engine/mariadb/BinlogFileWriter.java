package dev.hindsight.engine.mariadb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Turns the events a server streams into binary log objects, byte for byte as the server's
 * files. The bytes received since the last chunk stay in memory: {@link #flush} writes the
 * not-yet-durable tail as a piece; every {@link #CHUNK} bytes, and when the file ends, they are
 * written again as one object and the pieces inside it dropped, so a busy day is not a
 * hundred thousand objects. Single-threaded: callers hold one lock around every call.
 */
final class BinlogFileWriter {
    private static final Logger log = LoggerFactory.getLogger(BinlogFileWriter.class);
    static final int CHUNK = 16 << 20;
    private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};

    private final BinlogArchive archive;
    private final Clock clock;
    private final int chunkSize;
    /** The file being received; null between a seal and the next file's first event. */
    private String file;
    /** The file before {@link #file}, or the last one sealed. */
    private String lastSealed;
    private long received;
    private long durable;
    /** When {@link #durable} was last reached: the time an object ending there was stored. */
    private Instant durableAt;
    /** Bytes [chunkStart, chunkStart + buffered) of {@link #file} are in {@link #buffer}. */
    private long chunkStart;
    private byte[] buffer = new byte[1 << 16];
    private int buffered;
    /** A file the server streams after a gap the capture has reported (the files before it are gone). */
    private String gapAcceptedBefore;

    /** @param end where the archive's log ends: resumes there */
    BinlogFileWriter(BinlogArchive archive, Clock clock, Optional<BinlogChain.FileReach> end) {
        this(archive, clock, end, CHUNK);
    }

    BinlogFileWriter(BinlogArchive archive, Clock clock, Optional<BinlogChain.FileReach> end, int chunkSize) {
        this.archive = archive;
        this.clock = clock;
        this.chunkSize = chunkSize;
        end.ifPresent(e -> {
            if (e.sealed()) {
                lastSealed = e.file();
            } else {
                file = e.file();
                received = durable = chunkStart = e.reach();
                durableAt = e.durableAt();
            }
        });
    }

    /** Where the server should resume streaming: the open file and offset; empty after a seal. */
    Optional<BinlogPosition> resumePosition() {
        return file == null ? Optional.empty() : Optional.of(new BinlogPosition(file, received));
    }

    /** The last file sealed, if the writer is between files. */
    Optional<String> lastSealed() {
        return file == null ? Optional.ofNullable(lastSealed) : Optional.empty();
    }

    /**
     * Everything before this is in the archive; empty before anything was. After a sealed file it
     * is the start of the next one: past every position in the sealed file, before every event
     * of the next.
     */
    Optional<BinlogPosition> durable() {
        if (file != null) {
            return Optional.of(new BinlogPosition(file, durable));
        }
        return Optional.ofNullable(lastSealed).map(f -> new BinlogPosition(BinlogPosition.nextFile(f), 0));
    }

    Optional<BinlogPosition> received() {
        return file == null ? Optional.empty() : Optional.of(new BinlogPosition(file, received));
    }

    /**
     * The server streams {@code name} from {@code position} on: a new file from its first event,
     * or the open file exactly where it was left.
     */
    void begin(String name, long position) {
        if (file != null) {
            if (!file.equals(name) || position != received) {
                throw new IllegalStateException("the server streams " + name + ":" + position + " but "
                        + file + ":" + received + " was expected next");
            }
            return;
        }
        if (position != BinlogPosition.FIRST_EVENT) {
            throw new IllegalStateException("the server streams " + name + " from byte " + position
                    + ", not from its start, yet no earlier part of it is captured");
        }
        if (lastSealed != null && BinlogPosition.sequenceOf(name) != BinlogPosition.sequenceOf(lastSealed) + 1
                && !name.equals(gapAcceptedBefore)) {
            throw new IllegalStateException("the server streams " + name + " after " + lastSealed
                    + ": the binary logs between were not captured (purged on the server?)");
        }
        file = name;
        chunkStart = 0;
        durable = 0;
        durableAt = null;
        buffered = 0;
        put(MAGIC, 0, MAGIC.length);
        received = MAGIC.length;
    }

    /**
     * Gives up the open file where it stands, unsealed, because the server no longer has the rest
     * of it: the log chain then shows it ending short, a gap, instead of a file that looks whole.
     */
    void abandon() throws IOException {
        if (file == null) {
            return;
        }
        flush();
        lastSealed = file;
        file = null;
        buffered = 0;
    }

    /** Lets the next file be {@code file} though files between the last sealed one and it are missing. */
    void acceptGapBefore(String file) {
        gapAcceptedBefore = file;
    }

    /** Appends one event of the open file; it must start exactly where the file's bytes end. */
    void append(byte[] event) throws IOException {
        if (file == null) {
            throw new IllegalStateException("an event arrived before the server named its binary log file");
        }
        long start = BinlogEvent.nextPosition(event) - event.length;
        if (start != received) {
            throw new IllegalStateException("an event of " + file + " starts at byte " + start + " but "
                    + received + " was expected next");
        }
        put(event, 0, event.length);
        received += event.length;
        if (buffered >= chunkSize) {
            writeChunk(false);
        }
    }

    private void put(byte[] b, int off, int len) {
        if (buffered + len > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffered + len, Math.min(buffer.length * 2, chunkSize + len)));
        }
        System.arraycopy(b, off, buffer, buffered, len);
        buffered += len;
    }

    /** Writes the received but not yet durable bytes as a piece; false if there were none. */
    boolean flush() throws IOException {
        if (file == null || received == durable) {
            return false;
        }
        Instant now = clock.instant();
        archive.putTail(new BinlogPiece(file, durable, received, now, false), buffer, (int) (durable - chunkStart));
        durable = received;
        durableAt = now;
        return true;
    }

    /** The open file is complete: stores its end, and waits for the next file. */
    void seal() throws IOException {
        if (file == null) {
            return;
        }
        writeChunk(true);
        lastSealed = file;
        file = null;
    }

    private void writeChunk(boolean sealed) throws IOException {
        long end = chunkStart + buffered;
        // a chunk of bytes already stored keeps the time they were: a later time would claim the
        // server wrote nothing else meanwhile (the time of a file's end is the window's latest point)
        Instant at = end == durable && durableAt != null ? durableAt : clock.instant();
        BinlogPiece chunk = new BinlogPiece(file, chunkStart, end, at, sealed);
        archive.put(chunk, buffer, 0);
        durable = end;
        durableAt = at;
        try {
            archive.dropPiecesCoveredBy(chunk);
        } catch (IOException e) {
            // harmless: the chain reads through overlapping objects; the next chunk of the file retries nothing
            log.warn("could not drop the pieces of binary log {} inside [{}, {}): {}", file, chunkStart, end, e.toString());
        }
        chunkStart = end;
        buffered = 0;
        if (buffer.length > (1 << 20)) {
            buffer = new byte[1 << 16];
        }
    }
}
