package dev.hindsight.repo;

import dev.hindsight.store.Store;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-wraps every data key of a repository (the keyring's and each rotated one) under a new
 * passphrase, in every copy given. Everything is checked first — each file opens with the
 * current passphrase (or already with the new one: an interrupted change run again), none is
 * held immutable — so a refusal changes nothing. Then each copy's ".copy" files are replaced
 * before its primaries: at every moment each key opens with one passphrase or the other, and
 * once done only the new one opens it.
 */
final class PassphraseChange {
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Rewrap(Store store, String file, byte[] json) {
    }

    private PassphraseChange() {
    }

    /** Returns how many files were re-wrapped. */
    static int apply(List<Store> copies, char[] current, char[] next, Instant now) throws IOException {
        List<Rewrap> plan = new ArrayList<>();
        for (Store copy : copies) {
            for (String file : KeyFiles.allKeyFiles(copy)) {
                List<String> trouble = new ArrayList<>();
                Optional<KeyringFile> parsed = KeyFiles.parse(copy, file, trouble);
                if (parsed.isEmpty()) {
                    if (!trouble.isEmpty()) {
                        throw new HindsightException(HindsightException.Kind.CORRUPT, "cannot change the passphrase: "
                                + String.join("; ", trouble) + " in " + copy.describe() + "; nothing was changed",
                                "repair it first: hindsight repository verify copies a good one over it");
                    }
                    continue; // absent in this copy
                }
                if (opens(parsed.get(), next)) {
                    continue; // an earlier, interrupted change got here
                }
                SecretKey key;
                try {
                    key = parsed.get().unseal(current);
                } catch (AEADBadTagException e) {
                    throw HindsightException.invalid("the current passphrase does not unlock " + file + " in "
                                    + copy.describe() + "; nothing was changed",
                            "give the passphrase the daemon was started with as the current one");
                }
                Optional<Instant> locked = copy.protectedUntil(file);
                if (locked.isPresent()) {
                    throw HindsightException.conflict("cannot change the passphrase: " + file + " in " + copy.describe()
                                    + " is held immutable by the storage until " + locked.get() + ", so its wrapping"
                                    + " under the current passphrase cannot be replaced; nothing was changed",
                            "the keyring is immutable as long as a server's backups are: try again after "
                                    + locked.get() + " (after lowering --immutability-days), or move the repository "
                                    + "to new sites");
                }
                KeyringFile rewrapped = KeyringFile.seal(key, parsed.get().keyId(), next, RANDOM,
                        parsed.get().createdAt() != null ? parsed.get().createdAt() : now);
                plan.add(new Rewrap(copy, file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(rewrapped)));
            }
        }
        for (boolean copyFiles : new boolean[]{true, false}) {
            for (Rewrap r : plan) {
                if (r.file().endsWith(Layout.COPY_SUFFIX) == copyFiles) {
                    r.store().delete(r.file());
                    KeyFiles.put(r.store(), r.file(), r.json());
                }
            }
        }
        return plan.size();
    }

    private static boolean opens(KeyringFile file, char[] passphrase) {
        try {
            file.unseal(passphrase);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        }
    }
}
