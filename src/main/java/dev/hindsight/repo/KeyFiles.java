package dev.hindsight.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.store.ObjectWriter;
import dev.hindsight.store.Store;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The data keys made by rotation: each in its own file under {@link Layout#KEYS_PREFIX}, wrapped
 * by the passphrase as the keyring's key is, written twice and never rewritten but by a
 * passphrase change. A new file per key (not a rewritten keyring) lets a rotation happen while
 * the storage holds the keyring immutable.
 */
final class KeyFiles {
    private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFiles() {
    }

    /** Every key of the repository, oldest first: the keyring's, then each rotated one by creation. */
    static DataKeys load(Store store, char[] passphrase, DataKeys.Key first) throws IOException {
        List<Sealed> rotated = new ArrayList<>();
        for (String id : ids(store)) {
            rotated.add(read(store, id, passphrase));
        }
        rotated.sort(Comparator.comparing(Sealed::createdAt).thenComparing(s -> s.key().id()));
        List<DataKeys.Key> keys = new ArrayList<>();
        keys.add(first);
        rotated.forEach(s -> keys.add(s.key()));
        return new DataKeys(keys);
    }

    /** Makes a new data key, writes its files (copy first), and returns it. */
    static DataKeys.Key add(Store store, char[] passphrase, Instant now) throws IOException {
        DataKeys.Key key = newKey();
        byte[] json = sealed(key, passphrase, now);
        String name = Layout.dataKeyFile(key.id());
        put(store, name + Layout.COPY_SUFFIX, json);
        put(store, name, json);
        return key;
    }

    /** A fresh random AES-256 data key with a fresh random id. */
    static DataKeys.Key newKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        DataKeys.Key key = new DataKeys.Key(HexFormat.of().formatHex(id), new SecretKeySpec(raw, "AES"));
        Arrays.fill(raw, (byte) 0);
        return key;
    }

    /** The key wrapped under the passphrase, as the JSON a key file holds. */
    static byte[] sealed(DataKeys.Key key, char[] passphrase, Instant createdAt) throws IOException {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                KeyringFile.seal(key.dataKey(), key.id(), passphrase, RANDOM, createdAt));
    }

    /** The ids of the key files in the store (either copy present). */
    static List<String> ids(Store store) throws IOException {
        TreeSet<String> ids = new TreeSet<>();
        for (ObjectInfo o : store.list(Layout.KEYS_PREFIX)) {
            Layout.dataKeyId(o.key()).ifPresent(ids::add);
        }
        return List.copyOf(ids);
    }

    /** Every file that holds a wrapped key: the keyring's two and each rotated key's two that exist. */
    static List<String> allKeyFiles(Store store) throws IOException {
        List<String> names = new ArrayList<>(Layout.keyringObjects());
        for (ObjectInfo o : store.list(Layout.KEYS_PREFIX)) {
            if (Layout.dataKeyId(o.key()).isPresent()) {
                names.add(o.key());
            }
        }
        return names;
    }

    private record Sealed(DataKeys.Key key, Instant createdAt) {
    }

    private static Sealed read(Store store, String id, char[] passphrase) throws IOException {
        String name = Layout.dataKeyFile(id);
        List<String> trouble = new ArrayList<>();
        boolean refused = false;
        for (String file : List.of(name, name + Layout.COPY_SUFFIX)) {
            Optional<KeyringFile> parsed = parse(store, file, trouble);
            if (parsed.isEmpty()) {
                continue;
            }
            try {
                SecretKey key = parsed.get().unseal(passphrase);
                if (!parsed.get().keyId().equals(id)) {
                    trouble.add(file + " holds key " + parsed.get().keyId() + ", not " + id);
                    continue;
                }
                return new Sealed(new DataKeys.Key(id, key), parsed.get().createdAt());
            } catch (AEADBadTagException e) {
                refused = true;
            }
        }
        if (refused) {
            throw new WrongPassphraseException("the passphrase does not unlock data key " + id + " of the repository at "
                    + store.describe() + " (" + name + ")", Keyring.PASSPHRASE_HINT
                    + "; if a passphrase change was interrupted, run it again with the same two passphrases");
        }
        throw new HindsightException(HindsightException.Kind.CORRUPT, "data key " + id + " of the repository at "
                + store.describe() + " is unreadable: " + String.join("; ", trouble),
                "copy " + name + " back from another copy of this repository (zone or geo) or from a backup of it");
    }

    /** A wrapped-key file as stored, and what it says. */
    record Stored(KeyringFile file, byte[] bytes) {
    }

    static Optional<KeyringFile> parse(Store store, String file, List<String> trouble) throws IOException {
        return read(store, file, trouble).map(Stored::file);
    }

    /**
     * The file, parsed; empty if it is absent, or unusable (then why, in {@code trouble}): not
     * JSON, empty, or of a format or cipher this Hindsight does not read.
     */
    static Optional<Stored> read(Store store, String file, List<String> trouble) throws IOException {
        byte[] bytes;
        try (InputStream in = store.open(file)) {
            bytes = in.readAllBytes();
        } catch (NoSuchObjectException e) {
            return Optional.empty();
        }
        KeyringFile parsed;
        try {
            parsed = Json.MAPPER.readValue(bytes, KeyringFile.class);
        } catch (JsonProcessingException e) {
            trouble.add(file + " is not valid keyring JSON (" + e.getOriginalMessage() + ")");
            return Optional.empty();
        }
        String problem = parsed == null ? "it is empty JSON" : parsed.problem();
        if (problem != null) {
            trouble.add(file + ": " + problem);
            return Optional.empty();
        }
        return Optional.of(new Stored(parsed, bytes));
    }

    static void put(Store store, String name, byte[] bytes) throws IOException {
        try (ObjectWriter out = store.create(name)) {
            out.write(bytes);
            out.commit();
        }
        log.debug("wrote {} in {}", name, store.describe());
    }
}
