package dev.hindsight.engine.postgres;

/**
 * Up to one buffer of a file's bytes on their way from the reader to a bundle writer:
 * {@code length} bytes of file number {@code file} (an index into the scan) from {@code fileOffset}.
 * The buffer belongs to a pool and goes back to it once written.
 */
record BackupChunk(int file, long fileOffset, byte[] buffer, int length) {
    /** Tells a bundle writer that no more chunks will come. */
    static final BackupChunk END = new BackupChunk(-1, 0, new byte[0], 0);
}
