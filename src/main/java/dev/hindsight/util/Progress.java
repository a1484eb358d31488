package dev.hindsight.util;

/** Receives progress of a long operation (backup, restore); implementations must be thread-safe. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    /**
     * @param phase what is happening now, e.g. "copying files"
     * @param done  units done so far (bytes unless the phase says otherwise)
     * @param total units in all, or -1 if not known
     */
    void update(String phase, long done, long total);
}
