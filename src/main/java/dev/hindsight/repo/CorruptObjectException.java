package dev.hindsight.repo;

import java.io.IOException;

/** An object failed its checksum or authentication: it was damaged or written with another key. */
public class CorruptObjectException extends IOException {
    private final String key;

    public CorruptObjectException(String key, String detail) {
        super("object " + key + " is damaged: " + detail);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
