package dev.hindsight.engine.postgres;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A full backup's per-block checksums, one section per file in {@link DataDirectoryScan#ORDER}:
 * {@code [path length u16][path UTF-8][block count u32][CRC32C u32 × count]}. It is a separate
 * object, not part of the JSON manifest, because it grows with the data (4 bytes per 8 KiB page)
 * and a differential only ever needs it as a stream: it reads files in the same path order and
 * walks the map alongside, holding one file's checksums at a time.
 */
final class BlockMap {
    private BlockMap() {
    }

    /** Appends sections; paths must come in increasing {@link DataDirectoryScan#ORDER}. */
    static final class Writer {
        private final DataOutputStream out;
        private String last;

        Writer(OutputStream out) {
            this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        }

        void section(String path, int[] checksums) throws IOException {
            if (last != null && DataDirectoryScan.ORDER.compare(last, path) >= 0) {
                throw new IllegalStateException("block map sections out of order: " + path + " after " + last);
            }
            last = path;
            byte[] name = path.getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length);
            out.write(name);
            out.writeInt(checksums.length);
            for (int c : checksums) {
                out.writeInt(c);
            }
        }

        void finish() throws IOException {
            out.flush();
        }
    }

    /** Looks sections up by path, in increasing {@link DataDirectoryScan#ORDER}, reading the map once front to back. */
    static final class Cursor {
        private final DataInputStream in;
        private String pending;
        private boolean ended;

        Cursor(InputStream in) {
            this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        }

        /** The checksums recorded for {@code path}, or null if the map has none for it. */
        int[] find(String path) throws IOException {
            while (!ended) {
                if (pending == null) {
                    pending = nextPath();
                    if (pending == null) {
                        return null;
                    }
                }
                // a map written before pg_control came last has it among the paths: the files after
                // it are not found and stored whole once, which is what a differential does for new files
                int order = DataDirectoryScan.ORDER.compare(pending, path);
                if (order > 0) {
                    return null; // the map is past it: the full had no such file
                }
                int[] values = readValues();
                pending = null;
                if (order == 0) {
                    return values;
                }
                // a file the full had and this backup no longer asks about: its section is skipped
            }
            return null;
        }

        private String nextPath() throws IOException {
            int length;
            try {
                length = in.readUnsignedShort();
            } catch (EOFException e) {
                ended = true;
                return null;
            }
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        private int[] readValues() throws IOException {
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("block map section has a negative count");
            }
            byte[] raw = in.readNBytes(Math.multiplyExact(n, 4));
            if (raw.length != n * 4) {
                throw new EOFException("block map section ends early: " + raw.length / 4 + " of " + n + " checksums");
            }
            int[] values = new int[n];
            ByteBuffer.wrap(raw).asIntBuffer().get(values); // big-endian, as DataOutputStream wrote them
            return values;
        }
    }
}
