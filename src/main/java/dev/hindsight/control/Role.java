package dev.hindsight.control;

import dev.hindsight.util.HindsightException;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a token may do. Each role holds the one below it: a reader sees (servers, backups, usage,
 * operations, metrics); an operator also takes backups, restores and verifies; an admin also
 * creates, attaches, changes and deletes servers, storage and tokens, and reads the audit log.
 */
public enum Role {
    READER, OPERATOR, ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.text().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return role;
            }
        }
        throw HindsightException.invalid("unknown role '" + text + "'",
                "give one of " + String.join(", ", Arrays.stream(values()).map(Role::text).toList()));
    }
}
