package dev.hindsight.repo;

import dev.hindsight.store.Store;
import dev.hindsight.util.HindsightException;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-wraps every data key of a repository (the keyring's and each rotated one) under a new
 * passphrase, in every copy given. Everything is checked first — each file opens with the
 * current passphrase (or already with the new one: an interrupted change run again), none is
 * held immutable — so a refusal changes nothing. Then a file missing its twin gets it (new), the
 * ".copy" files are replaced, then the others: at every moment each key opens with one passphrase
 * or the other in every copy, and once done only the new one opens it. Each name is sealed once,
 * so every copy holds the same bytes.
 */
final class PassphraseChange {

    /** One file to write; phase 0 (a missing twin, created), 1 (.copy files), 2 (the others) in that order. */
    private record Rewrap(Store store, String file, byte[] json, int phase) {
    }

    private PassphraseChange() {
    }

    /** Returns how many files were re-wrapped. */
    static int apply(List<Store> copies, char[] current, char[] next, Instant now) throws IOException {
        List<Rewrap> plan = new ArrayList<>();
        java.util.Map<String, byte[]> sealed = new java.util.HashMap<>();
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
                // sealed once per name: every copy holds the same bytes, as verify expects of key files
                String name = file.endsWith(Layout.COPY_SUFFIX)
                        ? file.substring(0, file.length() - Layout.COPY_SUFFIX.length()) : file;
                byte[] json = sealed.get(name);
                if (json == null) {
                    json = KeyFiles.sealed(new DataKeys.Key(parsed.get().keyId(), key), next,
                            parsed.get().createdAt() != null ? parsed.get().createdAt() : now);
                    sealed.put(name, json);
                }
                plan.add(new Rewrap(copy, file, json, file.endsWith(Layout.COPY_SUFFIX) ? 1 : 2));
                String sibling = file.endsWith(Layout.COPY_SUFFIX) ? name : name + Layout.COPY_SUFFIX;
                if (copy.stat(sibling).isEmpty()) {
                    // never delete a key's only file in a copy: its missing twin is written (new) first
                    plan.add(new Rewrap(copy, sibling, json, 0));
                }
            }
        }
        for (int phase = 0; phase <= 2; phase++) {
            for (Rewrap r : plan) {
                if (r.phase() == phase) {
                    if (phase > 0) {
                        r.store().delete(r.file());
                    }
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
