package dev.hindsight.repo;

import dev.hindsight.store.ObjectExistsException;
import dev.hindsight.store.Store;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Finds, unlocks and (on first use) creates a repository's data key. The key is kept only
 * wrapped, twice ({@link Layout#KEYRING} and its copy), so one damaged copy loses nothing. A new
 * key is made only when both copies are absent: making one next to a damaged keyring would
 * orphan every object already written.
 */
final class Keyring {
    private static final Logger log = LoggerFactory.getLogger(Keyring.class);
    static final String PASSPHRASE_HINT =
            "set HINDSIGHT_PASSPHRASE (or --passphrase-file) to the passphrase this repository was created with";

    /** An unlocked data key and its public id (safe to show in messages and logs). */
    record Unlocked(SecretKey dataKey, String keyId) {
    }

    private Keyring() {
    }

    static Unlocked openOrCreate(Store store, char[] passphrase) throws IOException {
        Unlocked existing = existing(store, passphrase);
        return existing != null ? existing : create(store, passphrase);
    }

    static Unlocked open(Store store, char[] passphrase) throws IOException {
        Unlocked existing = existing(store, passphrase);
        if (existing == null) {
            throw HindsightException.notFound("no Hindsight repository at " + store.describe()
                            + " (it has no " + Layout.KEYRING + ")",
                    "check the repository location; a repository is created the first time Hindsight backs up to it");
        }
        return existing;
    }

    /** The unlocked key, or null when the store has no keyring at all. */
    private static Unlocked existing(Store store, char[] passphrase) throws IOException {
        if (passphrase == null || passphrase.length == 0) {
            throw HindsightException.invalid("no passphrase was given for the repository at " + store.describe(),
                    PASSPHRASE_HINT);
        }
        List<String> trouble = new ArrayList<>();
        Unlocked unlocked = unlock(store, passphrase, trouble);
        if (unlocked == null && !trouble.isEmpty()) {
            throw unreadable(store, trouble);
        }
        return unlocked;
    }

    /**
     * Tries both copies; null if neither exists. A wrong passphrase fails loudly; a damaged copy is
     * noted in {@code trouble} and the other one tried. Once unlocked (never before: a wrong
     * passphrase writes nothing), a missing copy is written again from the one that worked.
     */
    private static Unlocked unlock(Store store, char[] passphrase, List<String> trouble) throws IOException {
        String refusedKeyId = null;
        for (String name : List.of(Layout.KEYRING, Layout.keyringCopy())) {
            java.util.Optional<KeyFiles.Stored> stored = KeyFiles.read(store, name, trouble);
            if (stored.isEmpty()) {
                continue;
            }
            KeyringFile file = stored.get().file();
            byte[] bytes = stored.get().bytes();
            try {
                Unlocked unlocked = new Unlocked(file.unseal(passphrase), file.keyId());
                warnAbout(store, trouble);
                String other = name.equals(Layout.KEYRING) ? Layout.keyringCopy() : Layout.KEYRING;
                if (store.stat(other).isEmpty()) {
                    restore(store, other, name, bytes);
                }
                return unlocked;
            } catch (AEADBadTagException e) {
                refusedKeyId = file.keyId();
            }
        }
        if (refusedKeyId != null) {
            throw new WrongPassphraseException("the passphrase does not unlock the repository at "
                    + store.describe() + " (key id " + refusedKeyId + ")", PASSPHRASE_HINT);
        }
        return null;
    }

    private static Unlocked create(Store store, char[] passphrase) throws IOException {
        if (!store.list(Layout.CATALOG_PREFIX).isEmpty()) {
            throw new HindsightException(HindsightException.Kind.CORRUPT, "the repository at " + store.describe()
                    + " holds a catalog but neither " + Layout.KEYRING + " nor " + Layout.keyringCopy()
                    + "; a new key would leave every backup in it unreadable, so none was made",
                    "copy " + Layout.KEYRING + " back from another copy of this repository (zone or geo) or from"
                            + " a backup of the keyring, then start again");
        }
        DataKeys.Key key = KeyFiles.newKey();
        Unlocked created = new Unlocked(key.dataKey(), key.id());
        byte[] json = KeyFiles.sealed(key, passphrase, Instant.now());
        try {
            KeyFiles.put(store, Layout.KEYRING, json);
        } catch (ObjectExistsException e) {
            log.info("another process created the repository at {} meanwhile; using its key", store.describe());
            return open(store, passphrase);
        }
        try {
            KeyFiles.put(store, Layout.keyringCopy(), json);
        } catch (ObjectExistsException e) {
            // a concurrent opener already restored the copy from our primary
        }
        log.info("created repository key {} at {}", created.keyId(), store.describe());
        return created;
    }

    /**
     * Gives {@code to} the keyring files (and rotated key files) it lacks, byte for byte from
     * {@code from} (another copy of the same repository); returns the names copied. One written
     * meanwhile is left as it is.
     */
    public static List<String> copyMissing(Store from, Store to) throws IOException {
        List<String> copied = new java.util.ArrayList<>();
        for (String name : KeyFiles.allKeyFiles(from)) {
            if (to.stat(name).isPresent()) {
                continue;
            }
            try {
                dev.hindsight.store.RawCopy.copy(from, name, to);
                copied.add(name);
            } catch (dev.hindsight.store.ObjectExistsException e) {
                // written meanwhile
            }
        }
        return copied;
    }

    /** Rewrites a missing copy from the one that unlocked; a damaged copy is left for a human to look at. */
    private static void restore(Store store, String missing, String from, byte[] bytes) {
        try {
            KeyFiles.put(store, missing, bytes);
            log.warn("{} was missing at {}; restored it from {}", missing, store.describe(), from);
        } catch (IOException e) {
            log.warn("{} is missing at {} and could not be restored from {}: {}", missing, store.describe(), from,
                    e.toString());
        }
    }


    private static void warnAbout(Store store, List<String> trouble) {
        for (String problem : trouble) {
            log.warn("keyring copy at {} is unusable, used the other one: {}", store.describe(), problem);
        }
    }

    private static HindsightException unreadable(Store store, List<String> trouble) {
        return new HindsightException(HindsightException.Kind.CORRUPT,
                "the repository key at " + store.describe() + " is unreadable: " + String.join("; ", trouble),
                "copy " + Layout.KEYRING + " from another copy of this repository (zone or geo), or restore it"
                        + " from a backup of the keyring");
    }
}
