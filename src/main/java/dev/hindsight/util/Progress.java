package dev.hindsight.util;

/** Receives progress of a long operation (backup, restore); implementations must be thread-safe. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    /** What {@code done} and {@code total} count. */
    enum Unit {
        BYTES, OBJECTS, STEPS;

        public String text() {
            return name().toLowerCase();
        }

        /** The unit an operation row names; bytes for rows written before units were kept. */
        public static Unit of(String text) {
            return text == null ? BYTES : valueOf(text.toUpperCase());
        }
    }

    /**
     * @param phase what is happening now, e.g. "copying files"
     * @param done  bytes done so far
     * @param total bytes in all, or -1 if not known
     */
    void update(String phase, long done, long total);

    /** Progress counted in {@code unit}; receivers that only show bytes take it as they are. */
    default void update(String phase, long done, long total, Unit unit) {
        update(phase, done, total);
    }
}
