package dev.hindsight.store;

import java.nio.file.NoSuchFileException;

/** Thrown when reading an object that is not in the store. */
public class NoSuchObjectException extends NoSuchFileException {
    public NoSuchObjectException(String key, String store) {
        super(key, null, "no such object in " + store);
    }
}
