package dev.hindsight.repo;

import java.io.IOException;

/**
 * An object is sealed with a data key the repository's keyring does not hold: its key file was
 * lost (or the object belongs to another repository). Not damage: every copy of the object says
 * the same, and none of them is repaired from another.
 */
public class MissingKeyException extends IOException {
    public MissingKeyException(String key, String keyId) {
        super("object " + key + " is sealed with data key " + keyId + ", which this repository's keyring does not"
                + " hold: copy " + Layout.dataKeyFile(keyId) + " back from another copy of the repository"
                + " (zone or geo) or from a backup of the keyring");
    }
}
