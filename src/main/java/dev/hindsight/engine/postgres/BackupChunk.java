package dev.hindsight.engine.postgres;

import java.util.List;

/**
 * Up to one buffer of file bytes on their way from the reader to a bundle writer: the first
 * {@code length} bytes of {@code buffer}, made of {@code pieces} laid end to end. A full backup
 * sends one piece per buffer (a stretch of one file); a differential packs many changed pages,
 * of several files, into one buffer. The buffer belongs to a pool and goes back to it once written.
 */
record BackupChunk(byte[] buffer, int length, List<Piece> pieces) {
    /** {@code length} bytes of file number {@code file} (an index into the scan) from {@code fileOffset}. */
    record Piece(int file, long fileOffset, int length) {
    }

    /** Tells a bundle writer that no more chunks will come. */
    static final BackupChunk END = new BackupChunk(new byte[0], 0, List.of());

    static BackupChunk of(int file, long fileOffset, byte[] buffer, int length) {
        return new BackupChunk(buffer, length, List.of(new Piece(file, fileOffset, length)));
    }
}
