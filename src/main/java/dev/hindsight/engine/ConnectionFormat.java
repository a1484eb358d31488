package dev.hindsight.engine;

import dev.hindsight.util.HindsightException;

import java.util.Arrays;
import java.util.Locale;

/** The forms {@code server show-connection-string} prints: a URI, a JDBC URL, a client command line. */
public enum ConnectionFormat {
    URI, JDBC, CLI;

    public static ConnectionFormat parse(String text) {
        if (text == null || text.isBlank()) {
            return URI;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HindsightException.invalid("unknown connection string format '" + text + "'",
                    "use one of: " + String.join(", ", Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT))
                            .toList()));
        }
    }

    /** Percent-encoding for URI userinfo (URLEncoder's '+' for a space means nothing there). */
    public static String uriEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Quotes a word for a POSIX shell: as is when safe, else in single quotes. */
    public static String shellQuote(String word) {
        return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
