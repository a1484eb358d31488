package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.engine.postgres.WalFile;
import dev.hindsight.jobs.PurgeExecutor;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.ObjectInfo;
import dev.hindsight.testing.TestS3;
import org.junit.jupiter.api.Test;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Immutable backups on the default file repository (the daemon runs as root on ext4 here): once
 * a server is made immutable, the file system itself refuses to delete its new objects — a raw
 * delete past Hindsight fails —, retention keeps them and says why, a purge that would delete
 * them early leaves them in place, and the server still restores from them.
 */
class ImmutableBackupsIT {
    @Test
    void theStorageRefusesToDeleteAnImmutableServersBackupsAndRetentionWaitsForIt() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            String first = PurgeEndToEndIT.createWithOneDayRetention(hs, "worm");
            HindsightFixture.Result tooLong = hs.cli("server", "update", "--name", "worm", "--immutability-days", "3651");
            assertThat(tooLong.exit()).isEqualTo(ExitCodes.INVALID);
            assertThat(tooLong.err()).contains("out of range").contains("3650");

            try (TestS3 west = TestS3.start(null)) {
                west.createBucket("dr-west");
                HindsightFixture.Result added = hs.cli("storage", "site", "add", "dr", "--type", "s3", "--region",
                        "west", "--bucket", "dr-west", "--endpoint", west.endpoint(), "--path-style", "--access-key",
                        TestS3.ACCESS, "--secret-key", TestS3.SECRET).ok();
                assertThat(added.out()).contains("Immutable backups: not possible on this site", "Object Lock");
                hs.cli("storage", "region", "pair", "primary", "west").ok();
                HindsightFixture.Result geo = hs.cli("server", "update", "--name", "worm", "--backup-redundancy",
                        "geo", "--immutability-days", "1");
                assertThat(geo.exit()).isEqualTo(ExitCodes.INVALID);
                assertThat(geo.err()).contains("cannot hold its backups immutable", "site copy dr",
                        "was not created with Object Lock", "nothing was changed");
                JsonNode unchanged = hs.cli("server", "show", "--name", "worm", "--output", "json").ok().json();
                assertThat(unchanged.path("immutabilityDays").asInt()).isZero();
                assertThat(unchanged.path("backupRedundancy").asText()).isEqualTo("local");
            }

            Instant madeImmutable = Instant.now();
            JsonNode updated = hs.cli("server", "update", "--name", "worm", "--immutability-days", "1",
                    "--output", "json").ok().json();
            assertThat(updated.path("immutabilityDays").asInt()).isEqualTo(1);

            JsonNode second = PurgeEndToEndIT.writeAcrossSegmentsThenBackUp(hs, "worm");
            String expected;
            try (Connection c = hs.connect("worm"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items SELECT g, 'after the immutable full' FROM generate_series(101, 200) g");
                expected = PurgeEndToEndIT.checksum(c);
            }
            Instant committed = Instant.now();
            Instant secondUntil = Instant.parse(hs.backups("worm").findValues("immutableUntil").stream()
                    .filter(JsonNode::isTextual).findFirst().orElseThrow().asText());
            assertThat(secondUntil).isBetween(madeImmutable.plus(Duration.ofDays(1)),
                    Instant.now().plus(Duration.ofDays(1)));

            JsonNode usage = hs.cli("server", "usage", "--name", "worm", "--output", "json").ok().json();
            assertThat(usage.path("immutableBytes").asLong()).isPositive()
                    .isLessThanOrEqualTo(usage.path("totalStoredBytes").asLong());
            Repository repo = hs.daemon().repository();
            String serverId = hs.daemon().control().lookup().live("worm").id();
            Path objects = hs.home.resolve("repository");
            List<ObjectInfo> secondObjects = repo.list(Layout.backupPrefix(serverId, second.path("id").asText()));
            assertThat(secondObjects).isNotEmpty();
            for (ObjectInfo o : secondObjects) {
                Path file = objects.resolve(o.key());
                assertThat(file).exists();
                assertThatThrownBy(() -> Files.delete(file)).as("a raw delete of " + o.key())
                        .isInstanceOf(FileSystemException.class);
                assertThat(repo.store().protectedUntil(o.key())).hasValueSatisfying(u -> assertThat(u)
                        .isAfter(madeImmutable.plus(Duration.ofDays(1)).minusSeconds(1)));
            }
            List<String> immutableWal = repo.list(Layout.walPrefix(serverId)).stream()
                    .filter(o -> WalFile.parse(o.key()).isPresent() && o.modified().isAfter(madeImmutable))
                    .map(ObjectInfo::key).toList();
            assertThat(immutableWal).isNotEmpty();
            assertThatThrownBy(() -> Files.delete(objects.resolve(immutableWal.get(0))))
                    .isInstanceOf(FileSystemException.class);

            // a day on: the first full (written before) goes; the log since is still immutable and stays
            Instant secondConsistent = Instant.parse(second.path("consistentAt").asText());
            PurgeExecutor.Outcome dayOn = hs.daemon().control().retention().purge("worm",
                    secondConsistent.plus(Duration.ofDays(1)).plusSeconds(60));
            assertThat(dayOn.backups()).isEqualTo(1);
            assertThat(hs.backups("worm").findValuesAsText("id")).doesNotContain(first);
            assertThat(repo.list(Layout.backupPrefix(serverId, first))).isEmpty();
            assertThat(immutableWal).allSatisfy(k -> assertThat(objects.resolve(k)).exists());

            // a purge whose clock runs ahead of the storage's: with a newer full, the plan dooms the
            // immutable one, but the storage still refuses, and it stays in the catalog too
            hs.cli("backup", "create", "--server", "worm").ok();
            PurgeExecutor.Outcome ahead = hs.daemon().control().retention().purge("worm",
                    Instant.now().plus(Duration.ofDays(3)));
            assertThat(ahead.backups()).isZero();
            assertThat(hs.backups("worm").findValuesAsText("id")).contains(second.path("id").asText());
            assertThat(immutableWal).allSatisfy(k -> assertThat(objects.resolve(k)).exists());
            assertThat(secondObjects).allSatisfy(o -> assertThat(objects.resolve(o.key())).exists());

            hs.awaitLatestRestorePoint("worm", committed, Duration.ofSeconds(30));
            hs.cli("server", "restore", "--source-server", "worm", "--name", "worm-latest", "--latest").ok();
            try (Connection r = hs.connect("worm-latest")) {
                assertThat(PurgeEndToEndIT.checksum(r)).isEqualTo(expected);
            }
            JsonNode list = hs.cli("backup", "list", "--server", "worm", "--output", "json").ok().json();
            assertThat(list.findValuesAsText("id")).contains(second.path("id").asText());
            Optional<String> table = Optional.of(hs.cli("backup", "list", "--server", "worm").ok().out());
            assertThat(table.get()).contains("IMMUTABLE UNTIL").contains(secondUntil.toString());
        }
    }

    @Test
    void theGeoCopyOfAnImmutableServerIsImmutableAsLongAsThePrimary() throws Exception {
        try (HindsightFixture hs = new HindsightFixture()) {
            Path west = hs.home.resolve("west-site");
            hs.cli("storage", "site", "add", "dr", "--type", "fs", "--region", "west", "--path", west.toString()).ok();
            hs.cli("storage", "region", "pair", "primary", "west").ok();
            hs.cli("server", "create", "--name", "worm-geo", "--backup-redundancy", "geo").ok();
            hs.cli("server", "update", "--name", "worm-geo", "--immutability-days", "2").ok();
            hs.awaitBackups("worm-geo", HindsightFixture::anyCompleted, Duration.ofMinutes(3));
            JsonNode full = hs.cli("backup", "create", "--server", "worm-geo", "--output", "json").ok().json();
            String serverId = hs.daemon().control().lookup().live("worm-geo").id();
            String manifest = Layout.manifest(serverId, full.path("id").asText());
            Instant primaryUntil = hs.daemon().repository().store().protectedUntil(manifest).orElseThrow();

            Path copied = west.resolve(manifest);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (!Files.exists(copied) && Instant.now().isBefore(deadline)) {
                Thread.sleep(300);
            }
            assertThat(copied).as("the geo copy of the manifest").exists();
            assertThatThrownBy(() -> Files.delete(copied)).as("a raw delete in the geo site")
                    .isInstanceOf(FileSystemException.class);
            assertThat(new dev.hindsight.store.FileStore(west).protectedUntil(manifest)).contains(primaryUntil);
            // the geo copy's keyring unlocks those objects: the next immutable write covers it there too
            hs.cli("backup", "create", "--server", "worm-geo").ok();
            assertThat(new dev.hindsight.store.FileStore(west).protectedUntil(Layout.KEYRING))
                    .as("the geo copy's keyring").hasValueSatisfying(until -> assertThat(until).isAfter(primaryUntil));

            // pairing another region whose site cannot enforce it would silently end the protection: refused
            try (TestS3 east = TestS3.start(null)) {
                east.createBucket("dr-east");
                hs.cli("storage", "site", "add", "plain", "--type", "s3", "--region", "east2", "--bucket", "dr-east",
                        "--endpoint", east.endpoint(), "--path-style", "--access-key", TestS3.ACCESS,
                        "--secret-key", TestS3.SECRET).ok();
                HindsightFixture.Result repaired = hs.cli("storage", "region", "pair", "primary", "east2");
                assertThat(repaired.exit()).isEqualTo(ExitCodes.CONFLICT);
                assertThat(repaired.err()).contains("server worm-geo is immutable", "copy plain",
                        "nothing was changed");
                assertThat(hs.cli("storage", "site", "list").ok().out()).contains("paired (geo)");
                assertThat(hs.daemon().control().storage().config().pairedRegion()).isEqualTo("west");
            }
        }
    }
}
