package dev.hindsight.repo;

import dev.hindsight.util.HindsightException;

/** The passphrase given does not unwrap a key of the repository: nothing was read or changed. */
public final class WrongPassphraseException extends HindsightException {
    public WrongPassphraseException(String message, String hint) {
        super(Kind.INVALID_INPUT, message, hint);
    }
}
