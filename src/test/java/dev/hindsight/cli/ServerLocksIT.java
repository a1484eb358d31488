package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Management locks on a real server: a delete lock refuses the delete and nothing else, a
 * read-only lock refuses every settings change but lets backups and restores from the server go
 * on, each refusal names the lock and how to remove it, and only an admin makes or removes one.
 */
class ServerLocksIT {
    @Test
    void locksRefuseWhatTheyNameAndNothingElse() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            hs.cli("server", "create", "--name", "locked").ok();
            hs.awaitBackups("locked", HindsightFixture::anyCompleted, Duration.ofMinutes(2));
            ApiClientHttp api = new ApiClientHttp(hs.daemon().port());
            String reader = hs.cli("token", "create", "--name", "viewer", "--role", "reader", "--output", "json").ok()
                    .json().path("secret").asText();
            assertThat(api.send(reader, "PUT", "/api/v1/servers/locked/locks/mine", "{\"type\":\"delete\"}").status())
                    .isEqualTo(403);

            // a delete lock: the delete is refused, naming it; settings still change
            hs.cli("server", "lock", "create", "--server", "locked", "--name", "keep", "--type", "delete",
                    "--notes", "the shop's orders").ok();
            HindsightFixture.Result refused = hs.cli("server", "delete", "--name", "locked");
            assertThat(refused.exit()).isEqualTo(ExitCodes.CONFLICT);
            assertThat(refused.err()).contains("the delete lock 'keep' (the shop's orders)")
                    .contains("hindsight server lock delete --server locked --name keep");
            assertThat(show(hs).path("state").asText()).isEqualTo("running");
            hs.cli("server", "update", "--name", "locked", "--backup-retention", "9").ok();

            // a read-only lock: no settings change of any kind, but backups and restores from it
            hs.cli("server", "lock", "create", "--server", "locked", "--name", "frozen", "--type", "read-only").ok();
            for (String[] change : new String[][]{{"server", "update", "--name", "locked", "--backup-retention", "12"},
                    {"server", "ltr", "set", "--name", "locked", "--weekly", "P4W"},
                    {"server", "firewall-rule", "create", "--server", "locked", "--name", "office", "--start-ip",
                            "127.0.0.2"}}) {
                HindsightFixture.Result r = hs.cli(change);
                assertThat(r.exit()).as(String.join(" ", change)).isEqualTo(ExitCodes.CONFLICT);
                assertThat(r.err()).contains("the read-only lock 'frozen'").contains("--name frozen");
            }
            JsonNode kept = show(hs);
            assertThat(kept.path("backupRetentionDays").asInt()).isEqualTo(9);
            assertThat(kept.path("firewallRules")).isEmpty();
            assertThat(kept.path("locks")).extracting(l -> l.path("name").asText()).containsExactly("keep", "frozen");
            hs.cli("backup", "create", "--server", "locked").ok();
            hs.cli("server", "restore", "--source-server", "locked", "--name", "unlocked-copy", "--latest").ok();
            assertThat(hs.cli("server", "show", "--name", "unlocked-copy", "--output", "json").ok().json()
                    .path("locks")).as("a restored server starts without its source's locks").isEmpty();

            // bad requests change nothing
            assertThat(hs.cli("server", "lock", "create", "--server", "locked", "--name", "keep", "--type",
                    "delete").exit()).isEqualTo(ExitCodes.CONFLICT);
            assertThat(hs.cli("server", "lock", "create", "--server", "locked", "--name", "other", "--type",
                    "forever").err()).contains("unknown lock type 'forever'").contains("read-only");
            assertThat(hs.cli("server", "lock", "delete", "--server", "locked", "--name", "nope").exit())
                    .isEqualTo(ExitCodes.NOT_FOUND);
            assertThat(api.send(reader, "DELETE", "/api/v1/servers/locked/locks/keep", null).status()).isEqualTo(403);
            assertThat(hs.cli("server", "lock", "list", "--server", "locked").ok().out()).contains("keep")
                    .contains("frozen").contains("home");

            // unlocked: it goes
            hs.cli("server", "lock", "delete", "--server", "locked", "--name", "frozen").ok();
            hs.cli("server", "lock", "delete", "--server", "locked", "--name", "keep").ok();
            hs.cli("server", "delete", "--name", "locked").ok();
        }
    }

    private static JsonNode show(HindsightFixture hs) {
        return hs.cli("server", "show", "--name", "locked", "--output", "json").ok().json();
    }
}
