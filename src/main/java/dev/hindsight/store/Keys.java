package dev.hindsight.store;

/**
 * The rules every store applies to object keys, so that a key means the same object on a file
 * system, S3 and Azure Blob alike: relative, '/'-separated, no empty, "." or ".." segments (they
 * would escape the root or alias another key), and no segment a store reserves for itself.
 */
public final class Keys {
    /** Names starting with this are a store's unpublished objects; never a key, never listed. */
    public static final String TEMPORARY_PREFIX = ".tmp-";

    private Keys() {
    }

    /** Returns {@code key} if it is a valid object key; an {@link IllegalArgumentException} saying why if not. */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty()) {
            throw invalid("", "it is empty");
        }
        check(key, key, false);
        return key;
    }

    /**
     * Returns {@code prefix} if it can start a key: empty, a directory ending in '/', or a key
     * cut anywhere (e.g. in the middle of a file name).
     */
    public static String requireValidPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("a key prefix must not be null (use \"\" for every object)");
        }
        if (!prefix.isEmpty()) {
            check(prefix, prefix, true);
        }
        return prefix;
    }

    private static void check(String what, String text, boolean prefix) {
        if (text.startsWith("/")) {
            throw invalid(what, "it is absolute; keys are relative to the store");
        }
        if (text.indexOf('\\') >= 0 || text.indexOf('\0') >= 0) {
            throw invalid(what, "it contains '\\' or NUL; keys use '/' only");
        }
        String[] segments = text.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.isEmpty()) {
                if (prefix && last) {
                    continue; // "servers/" names a directory to list
                }
                throw invalid(what, "it has an empty segment ('//' or a trailing '/')");
            }
            if ((segment.equals(".") || segment.equals("..")) && !(prefix && last)) {
                throw invalid(what, "it has a '" + segment + "' segment");
            }
            if (segment.startsWith(TEMPORARY_PREFIX)) {
                throw invalid(what, "'" + TEMPORARY_PREFIX + "' names are reserved for unpublished objects");
            }
        }
    }

    private static IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("invalid object key \"" + key + "\": " + why
                + " (keys are made by the repository layout)");
    }
}
