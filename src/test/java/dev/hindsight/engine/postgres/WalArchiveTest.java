package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The WAL inventory on a real repository (FileStore): listing, durable end, staging, sealing. */
class WalArchiveTest {
    static final int SEG = (int) Lsn.SEGMENT_SIZE;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;
    WalArchive archive;
    byte[] wal;

    @BeforeEach
    void setUp() throws Exception {
        Repository repo = Repository.openOrCreate(new FileStore(tmp.resolve("repo")), "pw".toCharArray());
        archive = new WalArchive(repo, "srv1");
        wal = new byte[SEG];
        new Random(42).nextBytes(wal);
    }

    private void piece(int tli, long segno, int from, int to, int second) throws Exception {
        archive.put(new WalFile(tli, segno, from, to, T0.plusSeconds(second)), wal, from);
    }

    private Path stagingDir() throws Exception {
        return Files.createDirectories(tmp.resolve("stage"));
    }

    @Test
    void stagesContiguousPiecesZeroPadded() throws Exception {
        piece(1, 3, 0, 8192, 1);
        piece(1, 3, 8192, 20000, 2);
        piece(1, 3, 20000, 65536, 3);
        Path staged = archive.stageSegment(1, 3, stagingDir());

        assertThat(staged.getFileName().toString()).isEqualTo("000000010000000000000003");
        byte[] bytes = Files.readAllBytes(staged);
        assertThat(bytes).hasSize(SEG);
        assertThat(Arrays.equals(bytes, 0, 65536, wal, 0, 65536)).isTrue();
        assertThat(Arrays.equals(bytes, 65536, SEG, new byte[SEG - 65536], 0, SEG - 65536)).as("zero padded").isTrue();
    }

    @Test
    void prefersTheSealedObjectAndDropsPiecesOnlyOnceSealed() throws Exception {
        piece(1, 5, 0, 4096, 1);
        piece(1, 5, 4096, 10000, 2);
        assertThat(archive.dropPiecesCoveredBySeal(1, 5)).as("not sealed yet: keep").isZero();
        assertThat(archive.segment(1, 5)).hasSize(2);

        piece(1, 5, 0, SEG, 3);
        assertThat(Files.readAllBytes(archive.stageSegment(1, 5, stagingDir()))).isEqualTo(wal);
        assertThat(archive.dropPiecesCoveredBySeal(1, 5)).isEqualTo(2);
        assertThat(archive.segment(1, 5)).singleElement().satisfies(f -> assertThat(f.sealed()).isTrue());
        assertThat(Files.readAllBytes(archive.stageSegment(1, 5, stagingDir()))).isEqualTo(wal);
    }

    @Test
    void reportsAHoleBetweenPieces() throws Exception {
        piece(1, 7, 0, 4096, 1);
        piece(1, 7, 8192, 9000, 2);
        assertThatThrownBy(() -> archive.stageSegment(1, 7, stagingDir()))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("000000010000000000000007")
                .hasMessageContaining("bytes 4096..8192 are missing")
                .satisfies(e -> assertThat(((HindsightException) e).kind()).isEqualTo(HindsightException.Kind.CORRUPT));
    }

    @Test
    void reportsPiecesThatDoNotStartAtZero() throws Exception {
        piece(1, 8, 512, 4096, 1);
        assertThatThrownBy(() -> archive.stageSegment(1, 8, stagingDir()))
                .hasMessageContaining("pieces start at offset 512, not 0");
    }

    @Test
    void overlappingPiecesMustAgree() throws Exception {
        piece(1, 9, 0, 4096, 1);
        piece(1, 9, 0, 6000, 2); // a restarted capture re-wrote a prefix: same bytes, fine
        piece(1, 9, 6000, 7000, 3);
        assertThat(Arrays.equals(Files.readAllBytes(archive.stageSegment(1, 9, stagingDir())), 0, 7000, wal, 0, 7000)).isTrue();

        byte[] other = wal.clone();
        other[7100] ^= 1;
        archive.put(new WalFile(1, 9, 7000, 8000, T0.plusSeconds(4)), wal, 7000);
        archive.put(new WalFile(1, 9, 7050, 7200, T0.plusSeconds(5)), other, 7050);
        assertThatThrownBy(() -> archive.stageSegment(1, 9, stagingDir())).hasMessageContaining("differ");
    }

    @Test
    void missingSegmentIsNotFound() {
        assertThatThrownBy(() -> archive.stageSegment(1, 99, stagingDir()))
                .isInstanceOf(HindsightException.class)
                .satisfies(e -> assertThat(((HindsightException) e).kind()).isEqualTo(HindsightException.Kind.NOT_FOUND));
    }

    @Test
    void listsInLogOrderAndKnowsTheDurableEndPerTimeline() throws Exception {
        piece(2, 4, 0, 100, 9);
        piece(1, 3, 0, SEG, 2);
        piece(1, 4, 100, 300, 4);
        piece(1, 4, 0, 100, 3);
        piece(1, 3, 0, 50, 1);
        assertThat(archive.list()).extracting(f -> f.timeline() + ":" + f.segno() + ":" + f.startOffset() + "-" + f.endOffset())
                .containsExactly("1:3:0-50", "1:3:0-" + SEG, "1:4:0-100", "1:4:100-300", "2:4:0-100");
        assertThat(archive.durableEnd(1)).contains(Lsn.of(4, 300));
        assertThat(archive.durableEnd(2)).contains(Lsn.of(4, 100));
        assertThat(archive.durableEnd(3)).isEmpty();
    }

    @Test
    void putIsIdempotentForTheSameObject() throws Exception {
        piece(1, 3, 0, 100, 1);
        piece(1, 3, 0, 100, 1);
        assertThat(archive.list()).hasSize(1);
    }

    @Test
    void storesAndStagesTimelineHistory() throws Exception {
        byte[] history = "1\t0/3000148\tno recovery target specified\n".getBytes();
        assertThat(archive.hasHistory(2)).isFalse();
        archive.putHistory(2, history);
        archive.putHistory(2, history); // once per timeline; repeating is harmless
        assertThat(archive.historyTimelines()).containsExactly(2);
        Path staged = archive.stageHistory(2, stagingDir());
        assertThat(staged.getFileName().toString()).isEqualTo("00000002.history");
        assertThat(Files.readAllBytes(staged)).isEqualTo(history);
        assertThat(archive.list()).as("history files are not WAL objects").isEmpty();
        assertThatThrownBy(() -> archive.stageHistory(3, stagingDir())).hasMessageContaining("timeline 3");
    }
}
