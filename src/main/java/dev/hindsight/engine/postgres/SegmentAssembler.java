package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one 16 MiB segment image from its archived objects: the sealed object if there is one,
 * else the pieces laid end to end from offset 0. Overlapping pieces (a capture restarted after an
 * ambiguous write) must agree byte for byte; anything else is corruption, reported, never guessed.
 */
final class SegmentAssembler {
    private final WalArchive archive;
    private final String name;
    private final List<WalFile> objects;

    SegmentAssembler(WalArchive archive, String name, List<WalFile> objects) {
        this.archive = archive;
        this.name = name;
        this.objects = objects;
    }

    byte[] assemble() throws IOException {
        for (WalFile f : objects) {
            if (f.sealed()) {
                byte[] whole = archive.read(f);
                check(whole, f);
                return whole;
            }
        }
        byte[] segment = new byte[(int) Lsn.SEGMENT_SIZE]; // zeros past the last piece: the end of WAL
        long filled = 0;
        for (WalFile piece : objects) { // sorted by start, then end
            if (piece.startOffset() > filled) {
                throw gap(filled, piece);
            }
            byte[] bytes = archive.read(piece);
            check(bytes, piece);
            int overlap = (int) (Math.min(filled, piece.endOffset()) - piece.startOffset());
            if (!Arrays.equals(bytes, 0, overlap, segment, (int) piece.startOffset(), (int) piece.startOffset() + overlap)) {
                throw corrupt("pieces overlapping at offset " + piece.startOffset() + " differ (" + piece + ")");
            }
            if (piece.endOffset() > filled) {
                System.arraycopy(bytes, overlap, segment, (int) filled, bytes.length - overlap);
                filled = piece.endOffset();
            }
        }
        return segment;
    }

    private void check(byte[] bytes, WalFile f) {
        if (bytes.length != f.endOffset() - f.startOffset()) {
            throw corrupt("object " + f + " holds " + bytes.length + " bytes, its name says "
                    + (f.endOffset() - f.startOffset()));
        }
    }

    private HindsightException gap(long filled, WalFile next) {
        String where = filled == 0
                ? "its pieces start at offset " + next.startOffset() + ", not 0"
                : "bytes " + filled + ".." + next.startOffset() + " are missing between its pieces";
        return new HindsightException(HindsightException.Kind.CORRUPT,
                "WAL segment " + name + " cannot be staged: " + where,
                "the log has a hole there; restore to a point before " + Lsn.of(next.segno(), filled)
                        + " or verify the repository");
    }

    private HindsightException corrupt(String what) {
        return new HindsightException(HindsightException.Kind.CORRUPT, "WAL segment " + name + ": " + what,
                "verify the repository; a restore cannot use this segment past the damage");
    }
}
