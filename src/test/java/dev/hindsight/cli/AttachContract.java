package dev.hindsight.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attaching a server Hindsight did not create, alike for every engine: it is backed up with its
 * own login, restores --latest into a managed server that keeps that login, and a delete leaves
 * it running (and takes away what Hindsight made on it). A subclass supplies the server and keeps
 * its engine's pre-flight refusals.
 */
abstract class AttachContract {
    /** A server of the engine started for the test, as Hindsight did not make it. */
    interface Legacy extends AutoCloseable {
        Path dataDir();

        /** The connection URI {@code server attach --connection} takes, with the server's backup login. */
        String connection();

        /** Writes a ledger of 300 entries and returns its count and sum. */
        String writeLedger() throws SQLException;

        /** The ledger's count and sum on the server at {@code port} on 127.0.0.1, read as the source's administrator. */
        String readLedger(int port) throws SQLException;

        boolean running();

        /** Checks that nothing Hindsight made is left on the server after the attachment was deleted. */
        void assertDetached() throws Exception;
    }

    abstract String engine();

    abstract Legacy startLegacy() throws Exception;

    /** The port a connection URI of the engine names. */
    abstract int portOf(String uri);

    /** What a connection URI with the server's backup login starts with. */
    abstract String loginPrefix();

    @Test
    void aReadyServerIsBackedUpWithItsOwnLoginAndRestoresIntoAManagedOne() throws Exception {
        try (Legacy legacy = startLegacy(); HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "attach", "--name", "legacy", "--engine", engine(), "--data-dir",
                    legacy.dataDir().toString(), "--connection", legacy.connection()).ok();
            hs.awaitBackups("legacy", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            String expected = legacy.writeLedger();
            Thread.sleep(1500);
            hs.cli("server", "restore", "--source-server", "legacy", "--name", "legacy-copy", "--latest").ok();
            String copy = hs.cli("server", "show-connection-string", "--name", "legacy-copy").ok().out().strip();
            assertThat(copy).as("the restored server keeps the attach login").startsWith(loginPrefix());
            assertThat(legacy.readLedger(portOf(copy))).isEqualTo(expected);
            hs.cli("server", "delete", "--name", "legacy").ok();
            assertThat(legacy.running()).as("an attached server is never stopped by Hindsight").isTrue();
            legacy.assertDetached();
        }
    }
}
