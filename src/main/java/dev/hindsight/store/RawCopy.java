package dev.hindsight.store;

import java.io.IOException;
import java.io.InputStream;

/** Copies an object's stored bytes between stores as they are: for objects the codec does not cover (the keyring). */
public final class RawCopy {
    private RawCopy() {
    }

    /** Publishes {@code from}'s object under the same key in {@code to}; {@link ObjectExistsException} if there. */
    public static void copy(Store from, String key, Store to) throws IOException {
        try (InputStream in = from.open(key); ObjectWriter out = to.create(key)) {
            in.transferTo(out);
            out.commit();
        }
    }
}
