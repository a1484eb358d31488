package dev.hindsight.repo;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A repository's data keys, oldest first: the first (in the keyring) seals every version 1
 * object; the newest seals what is written now. Each key's id is 8 bytes, shown as 16 hex digits.
 */
final class DataKeys {
    /** One data key with its id. */
    record Key(String id, SecretKey dataKey) {
        byte[] idBytes() {
            return HexFormat.of().parseHex(id);
        }
    }

    private final List<Key> keys;
    private final Map<String, SecretKey> macKeys = new LinkedHashMap<>();

    DataKeys(List<Key> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a repository has at least one data key");
        }
        this.keys = List.copyOf(keys);
        for (Key k : keys) {
            byte[] raw = k.dataKey().getEncoded();
            if (raw == null || raw.length != 32) {
                throw new IllegalArgumentException("the data key must be 256 bits, not "
                        + (raw == null ? "unexportable" : raw.length * 8 + " bits"));
            }
            if (!k.id().matches("[0-9a-f]{16}")) {
                throw new IllegalArgumentException("a data key id is 16 hex digits, not " + k.id());
            }
            macKeys.put(k.id(), new SecretKeySpec(raw, "HmacSHA256"));
        }
    }

    static DataKeys single(SecretKey dataKey, String id) {
        return new DataKeys(List.of(new Key(id, dataKey)));
    }

    Key first() {
        return keys.get(0);
    }

    Key current() {
        return keys.get(keys.size() - 1);
    }

    List<Key> all() {
        return keys;
    }

    /** The key that sealed an object: the one its header names, the first for a version 1 object. */
    Optional<SecretKey> macKey(byte[] id) {
        return Optional.ofNullable(macKeys.get(id == null ? first().id() : HexFormat.of().formatHex(id)));
    }

    SecretKey currentMacKey() {
        return macKeys.get(current().id());
    }
}
