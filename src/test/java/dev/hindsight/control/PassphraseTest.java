package dev.hindsight.control;

import dev.hindsight.repo.WrongPassphraseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PassphraseTest {
    @TempDir
    Path dir;

    /** A repository whose keys open with {@code unlocking} alone. */
    private static Passphrase.Opener<String> repositoryOpenedBy(String unlocking) {
        return p -> {
            if (!new String(p).equals(unlocking)) {
                throw new WrongPassphraseException("the passphrase does not unlock the repository", "hint");
            }
            return "opened with " + unlocking;
        };
    }

    @Test
    void aChangeInterruptedAfterTheKeysWereRewrappedOpensWithThePendingPassphraseAndKeepsIt() throws IOException {
        Path file = dir.resolve("passphrase");
        Passphrase.replace(file, "old-one".toCharArray());
        Passphrase.stagePending(file, "new-one".toCharArray());
        // the crash: the keys were re-wrapped, the file still holds the old passphrase
        String opened = Passphrase.openTryingPending(Optional.of(file), "old-one".toCharArray(),
                repositoryOpenedBy("new-one"));
        assertThat(opened).isEqualTo("opened with new-one");
        assertThat(file).content().isEqualToIgnoringNewLines("new-one");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Passphrase.pending(file)).doesNotExist();
    }

    @Test
    void withoutAPendingPassphraseAWrongOneIsRefusedAndAStalePendingOneIsNotUsed() throws IOException {
        Path file = dir.resolve("passphrase");
        Passphrase.replace(file, "old-one".toCharArray());
        assertThatThrownBy(() -> Passphrase.openTryingPending(Optional.of(file), "old-one".toCharArray(),
                repositoryOpenedBy("other"))).isInstanceOf(WrongPassphraseException.class);
        Passphrase.stagePending(file, "new-one".toCharArray());
        assertThat(Passphrase.openTryingPending(Optional.of(file), "old-one".toCharArray(),
                repositoryOpenedBy("old-one"))).as("the keys were never re-wrapped").isEqualTo("opened with old-one");
        assertThat(file).content().isEqualToIgnoringNewLines("old-one");
        assertThat(Passphrase.stagePending(file, "new-one".toCharArray())).as("the same change, finished").isFalse();
        assertThatThrownBy(() -> Passphrase.stagePending(file, "mistyped".toCharArray()))
                .isInstanceOf(dev.hindsight.util.HindsightException.class).hasMessageContaining("cut short");
        assertThat(Passphrase.pending(file)).content().isEqualToIgnoringNewLines("new-one");
        Passphrase.dropPending(file);
        assertThat(Passphrase.pending(file)).doesNotExist();
        assertThatThrownBy(() -> Passphrase.openTryingPending(Optional.empty(), "x".toCharArray(),
                repositoryOpenedBy("y"))).isInstanceOf(WrongPassphraseException.class);
    }
}
