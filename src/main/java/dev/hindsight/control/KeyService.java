package dev.hindsight.control;

import dev.hindsight.repo.Repository;
import dev.hindsight.util.HindsightException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The repository's keys: rotating the data key (new objects use a new one, old ones stay
 * readable) and changing the passphrase that wraps them, in every copy of every site; the
 * daemon's own passphrase file follows, so that it opens the repository at its next start.
 */
public final class KeyService {
    private static final Logger log = LoggerFactory.getLogger(KeyService.class);

    /** What a rotation did. */
    public record Rotation(String keyId, List<String> keys) {
    }

    /** What a passphrase change did, and whether the daemon's passphrase source was updated. */
    public record PassphraseChanged(int keyFiles, int copies, String passphraseSource, String note) {
    }

    private final Repository repository;
    private final StorageService storage;
    private final Optional<Path> passphraseFile;

    public KeyService(Repository repository, StorageService storage, Optional<Path> passphraseFile) {
        this.repository = repository;
        this.storage = storage;
        this.passphraseFile = passphraseFile;
    }

    public synchronized Rotation rotate() throws IOException {
        String id = repository.rotateKey();
        storage.renewSharedCover();
        storage.spreadKeyring();
        log.info("Rotated the repository's data key: new objects are sealed with {}; {} keys in use", id,
                repository.dataKeyIds().size());
        return new Rotation(id, repository.dataKeyIds());
    }

    public synchronized PassphraseChanged changePassphrase(char[] current, char[] next) throws IOException {
        if (current == null || next == null) {
            throw HindsightException.invalid("a passphrase change needs the current and the new"
                    + " passphrase", "give both: \"current\" and \"new\"");
        }
        List<dev.hindsight.store.Store> copies = storage.everyCopy();
        // before any key changes: a crash in between leaves the daemon a passphrase that opens the result
        boolean staged = passphraseFile.isPresent() && Passphrase.stagePending(passphraseFile.get(), next);
        int files;
        try {
            files = repository.changePassphrase(copies, current, next);
        } catch (HindsightException refused) {
            // a refusal (wrong current passphrase, an immutable or damaged key file) comes before
            // any write and changes nothing; a failure part way keeps the pending passphrase, which
            // the daemon tries when the old one no longer opens the repository
            if (staged && java.util.Set.of(HindsightException.Kind.INVALID_INPUT, HindsightException.Kind.CONFLICT,
                    HindsightException.Kind.CORRUPT).contains(refused.kind())) {
                Passphrase.dropPending(passphraseFile.get());
            }
            throw refused;
        }
        String source;
        String note;
        if (passphraseFile.isPresent()) {
            Passphrase.commitPending(passphraseFile.get());
            source = passphraseFile.get().toString();
            note = "the daemon's passphrase file " + source + " now holds the new passphrase";
        } else {
            source = "HINDSIGHT_PASSPHRASE";
            note = "set HINDSIGHT_PASSPHRASE to the new passphrase before the daemon starts again: the old one no"
                    + " longer opens the repository";
        }
        log.warn("Changed the repository's passphrase: {} key files re-wrapped in {} copies; {}", files, copies.size(),
                note);
        return new PassphraseChanged(files, copies.size(), source, note);
    }
}
