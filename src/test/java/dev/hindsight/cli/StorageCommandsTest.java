package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage commands without a daemon: they edit storage.json, check everything first, and change nothing on error. */
class StorageCommandsTest {
    @TempDir
    Path tmp;

    HindsightFixture.Result run(String... args) {
        return HindsightFixture.run(tmp.resolve("home"), args);
    }

    @Test
    void addsSitesPairsRegionsAndSetsThePolicyInAnOwnerOnlyFile() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        HindsightFixture.Result added = run("storage", "site", "add", "disks", "--type", "fs", "--path", a.toString(),
                "--path", b.toString(), "--path", c.toString()).ok();
        assertThat(added.out()).contains("Added site disks (fs, region primary, 3 copies)",
                "takes effect when the daemon starts",
                "Immutable backups: possible, the storage enforces them in every copy."); // root on ext4, as in CI
        run("storage", "site", "add", "dr", "--type", "fs", "--region", "west", "--path", tmp.resolve("w").toString())
                .ok();
        run("storage", "region", "pair", "primary", "west").ok();
        run("storage", "policy", "set", "--allowed-redundancy", "local, geo").ok();

        Path file = tmp.resolve("home/storage.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JsonNode listed = run("storage", "site", "list", "--output", "json").ok().json();
        assertThat(listed.path("pairedRegion").asText()).isEqualTo("west");
        assertThat(listed.path("sites")).extracting(s -> s.path("name").asText()).containsExactly("home", "disks", "dr");
        assertThat(listed.path("allowedRedundancy")).extracting(JsonNode::asText).containsExactly("local", "geo");
        assertThat(run("storage", "site", "list").ok().out()).contains("paired (geo)", a.toString());
    }

    @Test
    void badInputChangesNothing() throws Exception {
        run("storage", "site", "add", "disks", "--type", "fs", "--path", tmp.resolve("a").toString()).ok();
        Path file = tmp.resolve("home/storage.json");
        byte[] before = Files.readAllBytes(file);

        HindsightFixture.Result noPath = run("storage", "site", "add", "x", "--type", "fs");
        assertThat(noPath.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(noPath.err()).contains("site x of type fs needs --path DIR");
        assertThat(run("storage", "site", "add", "x", "--type", "ftp").err()).contains("unknown site type 'ftp'");
        assertThat(run("storage", "site", "add", "x", "--type", "s3").err()).contains("needs --bucket");
        assertThat(run("storage", "site", "add", "x", "--type", "azure", "--endpoint", "https://a.blob.core.windows.net",
                "--container", "c").err()).contains("exactly one Azure credential");
        assertThat(run("storage", "region", "pair", "primary", "primary").err()).contains("paired with itself");
        assertThat(run("storage", "region", "pair", "nowhere", "west").err())
                .contains("the primary region nowhere has no site");
        assertThat(run("storage", "policy", "set", "--allowed-redundancy", "local,everywhere").err())
                .contains("unknown backup redundancy 'everywhere'");
        HindsightFixture.Result blocked = run("storage", "site", "add", "y", "--type", "fs", "--path",
                file.toString() + "/not-a-dir");
        assertThat(blocked.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(blocked.err()).contains("site copy y", "cannot be used", "nothing was saved");

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
}
