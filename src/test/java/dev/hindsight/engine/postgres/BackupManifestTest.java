package dev.hindsight.engine.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupManifestTest {
    static BackupManifest sample() {
        return new BackupManifest(BackupManifest.FORMAT, "b-20261121-0930", "srv-1", BackupManifest.ENGINE,
                BackupManifest.FULL, null, 3,
                Lsn.parse("0/2000028"), Lsn.parse("0/2000060"), Lsn.parse("1/FF000100"),
                Instant.parse("2026-11-21T09:30:00.123456Z"), Instant.parse("2026-11-21T09:30:04Z"),
                "START WAL LOCATION: 0/2000028 (file 000000030000000000000002)\nSTART TIMELINE: 3\n", "",
                List.of(new BackupManifest.ManifestDir("base", 0700), new BackupManifest.ManifestDir("pg_wal", 0700)),
                List.of(new BackupManifest.ManifestFile("base/5/16384", 12L << 20, 0600,
                                Instant.parse("2026-11-21T09:29:59.5Z"), null, "ab".repeat(32),
                                List.of(new BackupManifest.Extent("servers/srv-1/backups/b/bundle-00-000000", 0, 4 << 20, 0),
                                        new BackupManifest.Extent("servers/srv-1/backups/b/bundle-01-000000", 8 << 20,
                                                8 << 20, 4 << 20))),
                        new BackupManifest.ManifestFile("global/pg_filenode.map", 0, 0600,
                                Instant.parse("2026-11-21T09:00:00Z"), null, "e3b0c442".repeat(8), List.of())));
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        BackupManifest m = sample();
        assertThat(BackupManifestReader.read(BackupManifestWriter.write(m))).isEqualTo(m);
    }

    @Test
    void writesLsnsAndTimesAsReadableTextAndEachBundleOnce() throws Exception {
        JsonNode tree = Json.MAPPER.readTree(BackupManifestWriter.write(sample()));
        assertThat(tree.get("format").asInt()).isEqualTo(3);
        assertThat(tree.get("startLsn").asText()).isEqualTo("0/2000028");
        assertThat(tree.get("stopLsn").asText()).isEqualTo("1/FF000100");
        assertThat(tree.get("startedAt").asText()).isEqualTo("2026-11-21T09:30:00.123456Z");
        assertThat(tree.get("engine").asText()).isEqualTo("postgres");
        assertThat(tree.get("bundles")).hasSize(2);
        assertThat(tree.at("/bundles/1").asText()).endsWith("bundle-01-000000");
        assertThat(tree.at("/files/0/extents/1").toString()).isEqualTo("[1,8388608,8388608]");
        assertThat(tree.at("/files/0/mode").asInt()).isEqualTo(0600);
        assertThat(tree.at("/files/0/sha256").isMissingNode()).isTrue();
    }

    @Test
    void extentsThatLeaveAGapAreNotWrittenAndOnesNamingAnUnlistedBundleNotRead() {
        BackupManifest m = sample();
        BackupManifest.ManifestFile f = m.files().get(0);
        BackupManifest gap = withFiles(m, List.of(new BackupManifest.ManifestFile(f.path(), f.size(), f.mode(), f.mtime(),
                null, f.blockDigest(), List.of(f.extents().get(1)))));
        assertThatThrownBy(() -> BackupManifestWriter.write(gap)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("base/5/16384");
        assertThatThrownBy(() -> BackupManifestReader.read(("{\"format\":3,\"bundles\":[\"b\"],\"files\":[{\"path\":"
                + "\"x\",\"extents\":[[1,0,8192]]}]}").getBytes())).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("names bundle 1").hasMessageContaining("lists 1 bundles");
    }

    private static BackupManifest withFiles(BackupManifest m, List<BackupManifest.ManifestFile> files) {
        return new BackupManifest(m.format(), m.backupId(), m.serverId(), m.engine(), m.kind(), m.baseBackupId(),
                m.timeline(), m.startLsn(), m.checkpointLsn(), m.stopLsn(), m.startedAt(), m.stoppedAt(),
                m.backupLabel(), m.tablespaceMap(), m.directories(), files);
    }

    @Test
    void aFormatOneManifestReadsAsAFullWithItsSha256() throws Exception {
        String json = "{\"format\":1,\"backupId\":\"b\",\"startLsn\":\"0/1\",\"directories\":[],\"files\":"
                + "[{\"path\":\"PG_VERSION\",\"size\":3,\"sha256\":\"aa\",\"extents\":[]}]}";
        BackupManifest m = BackupManifestReader.read(json.getBytes());
        assertThat(m.isFull()).isTrue();
        assertThat(m.baseBackupId()).isNull();
        assertThat(m.files().get(0).sha256()).isEqualTo("aa");
        assertThat(m.files().get(0).blockDigest()).isNull();
    }

    @Test
    void sumsLogicalBytes() {
        assertThat(sample().logicalBytes()).isEqualTo(12L << 20);
    }

    @Test
    void rejectsAnLsnThatIsNotOne() {
        String json = "{\"format\":1,\"startLsn\":\"nonsense\",\"directories\":[],\"files\":[]}";
        assertThatThrownBy(() -> Json.MAPPER.readValue(json, BackupManifest.class))
                .hasMessageContaining("nonsense").hasMessageContaining("not an LSN");
    }

    @Test
    void orderedExtentsMergeNeighboursAndMustCoverTheFile() {
        String b0 = "bundle-00-000000";
        List<BackupManifest.Extent> merged = PgExtents.ordered(List.of(
                new BackupManifest.Extent(b0, 100, 50, 50),
                new BackupManifest.Extent(b0, 0, 50, 0),
                new BackupManifest.Extent("bundle-01-000000", 0, 10, 100)), 110, "f");
        assertThat(merged).containsExactly(new BackupManifest.Extent(b0, 0, 50, 0),
                new BackupManifest.Extent(b0, 100, 50, 50), new BackupManifest.Extent("bundle-01-000000", 0, 10, 100));
        assertThat(PgExtents.ordered(List.of(new BackupManifest.Extent(b0, 0, 50, 0),
                new BackupManifest.Extent(b0, 50, 30, 50)), 80, "f"))
                .containsExactly(new BackupManifest.Extent(b0, 0, 80, 0));
        assertThatThrownBy(() -> PgExtents.ordered(List.of(new BackupManifest.Extent(b0, 0, 50, 0)), 60, "base/1/2"))
                .hasMessageContaining("base/1/2").hasMessageContaining("cover 50 bytes");
        assertThatThrownBy(() -> PgExtents.ordered(List.of(new BackupManifest.Extent(b0, 0, 50, 10)), 60, "f"))
                .hasMessageContaining("gap");
    }

    @Test
    void readsTheBackupLabel() {
        PgBackupLabel label = PgBackupLabel.parse("""
                START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
                CHECKPOINT LOCATION: 0/2000060
                BACKUP METHOD: streamed
                BACKUP FROM: primary
                START TIME: 2026-11-21 09:30:00 UTC
                LABEL: hindsight b1
                START TIMELINE: 1
                """);
        assertThat(label).isEqualTo(new PgBackupLabel(Lsn.parse("0/2000028"), Lsn.parse("0/2000060"), 1));
        assertThatThrownBy(() -> PgBackupLabel.parse("LABEL: x\n")).hasMessageContaining("START WAL LOCATION");
    }

    @Test
    void formatTwoManifestsAsDataBindingWroteThemStillReadAndUnknownFieldsAreSkipped() throws Exception {
        BackupManifest m = sample();
        assertThat(BackupManifestReader.read(Json.MAPPER.writeValueAsBytes(m))).isEqualTo(m);
        BackupManifest diff = new BackupManifest(m.format(), "d-1", m.serverId(), m.engine(), BackupManifest.DIFF,
                m.backupId(), m.timeline(), m.startLsn(), m.checkpointLsn(), m.stopLsn(), m.startedAt(), m.stoppedAt(),
                m.backupLabel(), m.tablespaceMap(), m.directories(), m.files());
        assertThat(BackupManifestReader.read(Json.MAPPER.writeValueAsBytes(diff))).isEqualTo(diff);

        com.fasterxml.jackson.databind.node.ObjectNode tree = Json.MAPPER.valueToTree(m);
        tree.put("addedLater", "x");
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("files").get(0)).putObject("extra").put("a", 1);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("files").get(0).get("extents").get(0))
                .putArray("more").add(1);
        assertThat(BackupManifestReader.read(Json.MAPPER.writeValueAsBytes(tree))).isEqualTo(m);
        assertThatThrownBy(() -> BackupManifestReader.read("{\"startLsn\": \"nope\"}".getBytes()))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("not an LSN");
        assertThatThrownBy(() -> BackupManifestReader.read("[1]".getBytes())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void instantsReadLikeTheGeneralParserDoes() {
        for (String text : List.of("2026-11-21T09:30:00Z", "2026-11-21T09:30:00.5Z", "2026-11-21T09:30:00.123456Z",
                "2026-11-21T09:30:00.123456789Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59.000000001Z",
                "+12026-11-21T09:30:00Z", "2026-11-21T09:30:00+02:00")) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                assertThatThrownBy(() -> BackupManifestReader.instant(text)).isInstanceOf(e.getClass());
                continue;
            }
            assertThat(BackupManifestReader.instant(text)).as(text).isEqualTo(expected);
        }
        assertThatThrownBy(() -> BackupManifestReader.instant("2026-13-21T09:30:00Z"))
                .isInstanceOf(java.time.format.DateTimeParseException.class);
    }

    @Test
    void aManifestFromANewerFormatReadsAsJustItsFormatNumber() throws Exception {
        BackupManifest m = BackupManifestReader.read(("{\"format\":" + (BackupManifest.FORMAT + 1)
                + ",\"files\":{\"a layout\":\"this version cannot read\"}}").getBytes());
        assertThat(m.format()).isEqualTo(BackupManifest.FORMAT + 1);
        assertThat(m.files()).isEmpty();
    }
}
