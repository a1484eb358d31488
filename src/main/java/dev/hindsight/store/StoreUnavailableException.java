package dev.hindsight.store;

import java.io.IOException;

/**
 * A store could not be reached or did not answer in time (connection refused, timeout, a 5xx or
 * throttling reply): the request may succeed if tried again later. Every other {@link IOException}
 * from a store is permanent (a missing object, an existing one, a refused credential, a bad
 * request) and trying again will not change it.
 */
public class StoreUnavailableException extends IOException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True if {@code e}, or what caused it, says the store was unavailable. */
    public static boolean isCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
