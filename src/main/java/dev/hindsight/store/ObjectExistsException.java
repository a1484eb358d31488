package dev.hindsight.store;

import java.nio.file.FileAlreadyExistsException;

/** Thrown when publishing would overwrite an object: objects are write-once. */
public class ObjectExistsException extends FileAlreadyExistsException {
    public ObjectExistsException(String key) {
        super(key, null, "object already exists and objects are never overwritten");
    }
}
