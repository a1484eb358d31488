package dev.hindsight.engine;

/**
 * How fast one restore replayed its log: {@code bytes} of it (from the backup's start to where
 * recovery ended) in {@code millis}, recovery's start and end included. What the replay budget
 * learns this machine's redo speed from.
 */
public record RedoSample(String engine, long bytes, long millis) {
    public double bytesPerSecond() {
        return millis <= 0 ? 0 : bytes * 1000.0 / millis;
    }
}
