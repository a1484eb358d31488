package dev.hindsight.engine.mariadb;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.net.SocketException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Hands every event the server streams to a sink as the exact bytes it will have in the file,
 * before the library parses it. Only what the capture reads is parsed (rotations, format
 * descriptions — the library needs them to find checksums — and table maps, which its reader
 * insists on); row events are not decoded at all.
 * <p>
 * The library skips an event whose parsing fails and goes on; for a backup that would be a hole.
 * So any failure here, the sink's included, is thrown as a {@link SocketException}, the one kind
 * the library lets end the session; the capture then resumes from what is durable.
 */
final class RawEventDeserializer extends EventDeserializer {
    /** Receives each event; {@code parsed} has data only for the kinds listed in {@link #PARSED}. */
    interface Sink {
        void accept(byte[] raw, Event parsed) throws Exception;
    }

    /** Ends the session with the reason; see the class comment. */
    static final class Aborted extends SocketException {
        Aborted(String message, Throwable cause) {
            super(message);
            initCause(cause);
        }
    }

    private static final Set<EventType> PARSED = EnumSet.of(EventType.ROTATE, EventType.FORMAT_DESCRIPTION,
            EventType.TABLE_MAP);
    /** The largest event a server writes (max_allowed_packet's ceiling). */
    private static final long MAX_EVENT = 1L << 30;

    private final Sink sink;

    RawEventDeserializer(Sink sink) {
        this.sink = sink;
        for (EventType t : EventType.values()) {
            if (!PARSED.contains(t)) {
                setEventDataDeserializer(t, new NullEventDataDeserializer());
            }
        }
    }

    @Override
    public Event nextEvent(ByteArrayInputStream in) throws IOException {
        if (in.peek() == -1) {
            return null;
        }
        byte[] header = in.read(BinlogEvent.HEADER);
        long length = BinlogEvent.length(header);
        if (length < BinlogEvent.HEADER || length > MAX_EVENT) {
            throw new Aborted("the server sent an event " + length + " bytes long", null);
        }
        byte[] raw = Arrays.copyOf(header, (int) length);
        in.fill(raw, BinlogEvent.HEADER, raw.length - BinlogEvent.HEADER);
        try {
            Event parsed = super.nextEvent(new ByteArrayInputStream(raw));
            sink.accept(raw, parsed);
            return parsed;
        } catch (Aborted e) {
            throw e;
        } catch (Exception e) {
            throw new Aborted("binary log capture stopped at an event of type " + BinlogEvent.type(raw) + ": " + e, e);
        }
    }
}
