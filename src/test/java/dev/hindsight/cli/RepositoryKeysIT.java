package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key rotation and a passphrase change on a running daemon: backups after the rotation use the
 * new key, verify counts objects per key, a restore reads both; after the change the old
 * passphrase opens nothing, the daemon's passphrase file holds the new one and it starts again.
 */
class RepositoryKeysIT {
    @Test
    void aRotatedKeyAndAChangedPassphraseKeepEveryBackupReadable() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "keys").ok();
            hs.awaitBackups("keys", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            String first = hs.daemon().repository().keyId();

            JsonNode rotation = hs.cli("repository", "key", "rotate", "--output", "json").ok().json();
            String rotated = rotation.path("keyId").asText();
            assertThat(List.of(rotation.path("keys").get(0).asText(), rotation.path("keys").get(1).asText()))
                    .containsExactly(first, rotated);
            assertThat(hs.home.resolve("repository").resolve("keys/key-" + rotated + ".json")).exists();
            String expected;
            try (Connection c = hs.connect("keys"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items(id int PRIMARY KEY, note text)");
                s.execute("INSERT INTO items SELECT g, 'after the rotation' FROM generate_series(1, 300) g");
                expected = PurgeEndToEndIT.checksum(c);
            }
            hs.cli("backup", "create", "--server", "keys").ok();
            JsonNode verified = hs.cli("repository", "verify", "--output", "json").ok().json();
            assertThat(verified.path("keys")).hasSize(2);
            for (JsonNode key : verified.path("keys")) {
                assertThat(key.path("objects").asInt()).as("objects sealed with " + key.path("keyId").asText())
                        .isPositive();
                assertThat(key.path("current").asBoolean()).isEqualTo(key.path("keyId").asText().equals(rotated));
            }
            assertThat(hs.cli("repository", "verify").ok().out()).contains("Data key " + rotated + " (current");

            // the passphrase: a wrong current one changes nothing; then every key file is re-wrapped
            Path passphraseFile = hs.home.resolve("passphrase");
            assertThat(passphraseFile).as("the embedded default's generated passphrase").exists();
            String old = Files.readString(passphraseFile).strip();
            Path wrong = Files.writeString(hs.home.resolve("wrong.txt"), "certainly not the passphrase");
            Path next = Files.writeString(hs.home.resolve("new.txt"), "the new passphrase, long enough");
            Path current = Files.writeString(hs.home.resolve("current.txt"), old);
            HindsightFixture.Result refused = hs.cli("repository", "passphrase", "change", "--current-file",
                    wrong.toString(), "--new-file", next.toString());
            assertThat(refused.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(refused.err()).contains("nothing was changed");
            assertThat(Files.readString(passphraseFile).strip()).isEqualTo(old);

            JsonNode changed = hs.cli("repository", "passphrase", "change", "--current-file", current.toString(),
                    "--new-file", next.toString(), "--output", "json").ok().json();
            assertThat(changed.path("keyFiles").asInt()).isEqualTo(4);
            assertThat(Files.readString(passphraseFile).strip()).isEqualTo("the new passphrase, long enough");

            Path target = Files.createTempDirectory(Path.of("/tmp"), "keys-").resolve("data");
            HindsightFixture.Result oldOpens = hs.cliWithPassphrase(old, "restore", "--repository",
                    hs.home.resolve("repository").toString(), "--server", "keys", "--latest", "--target-dir",
                    target.toString());
            assertThat(oldOpens.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(oldOpens.err()).contains("passphrase does not unlock");
            assertThat(target).doesNotExist();

            hs.awaitLatestRestorePoint("keys", Instant.now(), Duration.ofSeconds(30));
            hs.restartDaemon(); // opens the repository with the new passphrase from its file
            assertThat(hs.daemon().repository().dataKeyIds()).containsExactly(first, rotated);
            hs.cli("server", "restore", "--source-server", "keys", "--name", "keys-back", "--latest").ok();
            try (Connection r = hs.connect("keys-back")) {
                assertThat(PurgeEndToEndIT.checksum(r)).isEqualTo(expected);
            }
            dev.hindsight.util.FileTrees.deleteRecursively(target.getParent());
        }
    }
}
