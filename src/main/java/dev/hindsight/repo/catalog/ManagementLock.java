package dev.hindsight.repo.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.hindsight.util.HindsightException;

import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A management lock on a server, as the managed services have them: a {@code delete} lock stops
 * it from being deleted; a {@code read-only} lock also stops every change of its settings, while
 * backups and restores from it go on. Kept in the server's catalog record, so a lock outlives a
 * lost control database.
 *
 * @param createdBy the name of the token that made it
 */
public record ManagementLock(String name, Type type, String notes, Instant createdAt, String createdBy) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,79}");
    private static final int MOST_NOTES = 512;

    public enum Type {
        DELETE, READ_ONLY;

        @JsonValue
        public String text() {
            return name().toLowerCase().replace('_', '-');
        }

        public static Type parse(String text) {
            return Arrays.stream(values()).filter(t -> t.text().equals(text)).findFirst()
                    .orElseThrow(() -> HindsightException.invalid("unknown lock type '" + text + "'",
                            "give delete (the server cannot be deleted) or read-only (nor its settings changed)"));
        }
    }

    /** A checked lock: a valid name and notes of a sensible length. */
    public static ManagementLock of(String name, String type, String notes, Instant createdAt, String createdBy) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw HindsightException.invalid("not a valid lock name: " + name,
                    "use 1-80 letters, digits, '-' and '_', starting with a letter or digit");
        }
        if (type == null) {
            throw HindsightException.invalid("a lock needs a type", "give --type delete or --type read-only");
        }
        if (notes != null && notes.length() > MOST_NOTES) {
            throw HindsightException.invalid("the lock's notes are " + notes.length() + " characters long",
                    "keep them to " + MOST_NOTES);
        }
        return new ManagementLock(name, Type.parse(type), notes, createdAt, createdBy);
    }

    /** How a refusal names it. */
    public String describe() {
        return "the " + type.text() + " lock '" + name + "'" + (notes == null || notes.isBlank() ? "" : " (" + notes + ")");
    }
}
