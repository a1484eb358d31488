package dev.hindsight.control;

import dev.hindsight.plan.RetentionPolicy;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.util.HindsightException;

import java.util.regex.Pattern;

/** The rules for what users may ask for, each failing with what was wrong and what would be right. */
public final class Validation {
    private static final Pattern SERVER_NAME = Pattern.compile("[a-z0-9-]{3,63}");
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Validation() {
    }

    public static void serverName(String name) {
        if (name == null || !SERVER_NAME.matcher(name).matches()) {
            throw HindsightException.invalid("invalid server name '" + name + "'",
                    "use 3 to 63 characters: lowercase letters, digits and hyphens");
        }
    }

    public static void retentionDays(int days) {
        RetentionPolicy.check(days);
    }

    public static void immutabilityDays(int days) {
        if (days < 0 || days > ServerRecord.MAX_IMMUTABILITY_DAYS) {
            throw HindsightException.invalid("an immutability of " + days + " days is out of range",
                    "give 0 (off) to " + ServerRecord.MAX_IMMUTABILITY_DAYS + " days (ten years)");
        }
    }

    public static void adminUser(String user, String agentUser) {
        if (user == null || !ROLE_NAME.matcher(user).matches() || user.startsWith("pg_") || user.equals(agentUser)) {
            throw HindsightException.invalid("invalid admin user '" + user + "'",
                    "use 1 to 63 lowercase letters, digits or underscores, starting with a letter; not pg_* and not "
                            + agentUser);
        }
    }

    public static void adminPassword(String password) {
        if (password.length() < 8 || password.length() > 128) {
            throw HindsightException.invalid("the admin password must have 8 to 128 characters",
                    "choose a longer password, or leave --admin-password out to have one generated");
        }
    }

    public static void port(int port) {
        if (port < 1024 || port > 65535) {
            throw HindsightException.invalid("port " + port + " is out of range", "give a port between 1024 and 65535");
        }
    }
}
