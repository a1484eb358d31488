package dev.hindsight.control;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random server ids and passwords. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** Ten hex digits: a server's id, which names its objects in the repository. */
    static String newId() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** 144 random bits, URL-safe: needs no quoting in a connection URI or a shell. */
    static String newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
