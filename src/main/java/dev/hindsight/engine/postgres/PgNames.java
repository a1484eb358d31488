package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;

import java.util.regex.Pattern;

/**
 * Role and slot names Hindsight puts into SQL, pg_hba.conf and replication commands. Utility
 * statements (CREATE ROLE, CREATE_REPLICATION_SLOT) take no bind parameters, so instead of
 * escaping every dialect we accept only plain identifiers.
 */
public final class PgNames {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private PgNames() {
    }

    public static String requireRoleName(String name) {
        return require(name, "role");
    }

    public static String requireSlotName(String name) {
        return require(name, "replication slot");
    }

    private static String require(String name, String what) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw HindsightException.invalid("not a valid PostgreSQL " + what + " name: " + name,
                    "use 1-63 lower-case letters, digits and underscores, not starting with a digit");
        }
        return name;
    }
}
