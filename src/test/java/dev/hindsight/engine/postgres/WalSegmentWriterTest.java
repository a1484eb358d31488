package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pieces, seals and resumption of the open-segment writer, against a real repository. */
class WalSegmentWriterTest {
    static final int SEG = (int) Lsn.SEGMENT_SIZE;

    @TempDir
    Path tmp;
    WalArchive archive;
    byte[] wal;
    long tick;
    final Clock clock = new Clock() { // every instant distinct, so object names never collide
        @Override public Instant instant() {
            return Instant.parse("2026-01-01T00:00:00Z").plusMillis(tick++);
        }
        @Override public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }
        @Override public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        archive = new WalArchive(Repository.openOrCreate(new FileStore(tmp.resolve("repo")), "pw".toCharArray()), "s");
        wal = new byte[2 * SEG];
        new Random(7).nextBytes(wal);
    }

    /** Feeds wal[from, to) (positions relative to segment 10) in messages of {@code chunk} bytes. */
    private void feed(WalSegmentWriter w, int from, int to, int chunk) throws Exception {
        for (int at = from; at < to; at += chunk) {
            int n = Math.min(chunk, to - at);
            w.append(Lsn.of(10, 0).plus(at), ByteBuffer.wrap(wal, at, n));
        }
    }

    @Test
    void writesPiecesThenSealsAndDropsThem() throws Exception {
        WalSegmentWriter w = new WalSegmentWriter(archive, 1, Lsn.of(10, 0), Lsn.of(10, 0), clock);
        feed(w, 0, 100_000, 8192);
        assertThat(w.flush()).isTrue();
        assertThat(w.flush()).as("nothing new").isFalse();
        feed(w, 100_000, 300_000, 8192);
        assertThat(w.flush()).isTrue();
        assertThat(archive.segment(1, 10)).extracting(WalFile::endOffset).containsExactly(100_000L, 300_000L);

        feed(w, 300_000, SEG + 5000, 131072); // crosses into segment 11
        assertThat(w.durable()).isEqualTo(Lsn.of(11, 0));
        assertThat(archive.segment(1, 10)).singleElement().satisfies(f -> assertThat(f.sealed()).isTrue());
        w.flush();
        assertThat(archive.durableEnd(1)).contains(Lsn.of(11, 5000));

        byte[] staged = Files.readAllBytes(archive.stageSegment(1, 10, Files.createDirectories(tmp.resolve("st"))));
        assertThat(staged).isEqualTo(java.util.Arrays.copyOf(wal, SEG));
    }

    @Test
    void anIdleSegmentKeepsASmallBufferWhichGrowsWithTheSegmentAndStaysWholeAcrossTheSeal() throws Exception {
        WalSegmentWriter w = new WalSegmentWriter(archive, 1, Lsn.of(10, 0), Lsn.of(10, 0), clock);
        feed(w, 0, 3000, 1000);
        w.flush();
        assertThat(w.bufferSize()).isEqualTo(WalSegmentWriter.INITIAL_BUFFER);

        feed(w, 3000, WalSegmentWriter.INITIAL_BUFFER + 10, 4096); // one message straddles the first growth
        w.flush();
        assertThat(w.bufferSize()).isEqualTo(2 * WalSegmentWriter.INITIAL_BUFFER);
        feed(w, WalSegmentWriter.INITIAL_BUFFER + 10, SEG + 70_000, 500_000);
        assertThat(w.bufferSize()).isEqualTo(SEG);
        w.flush();

        Path st = Files.createDirectories(tmp.resolve("st"));
        assertThat(Files.readAllBytes(archive.stageSegment(1, 10, st))).isEqualTo(java.util.Arrays.copyOf(wal, SEG));
        byte[] open = Files.readAllBytes(archive.stageSegment(1, 11, st));
        assertThat(java.util.Arrays.copyOf(open, 70_000)).isEqualTo(java.util.Arrays.copyOfRange(wal, SEG, SEG + 70_000));
    }

    @Test
    void resumingRereadsButDoesNotRewriteDurableBytes() throws Exception {
        WalSegmentWriter first = new WalSegmentWriter(archive, 1, Lsn.of(10, 0), Lsn.of(10, 0), clock);
        feed(first, 0, 50_000, 8192);
        first.flush();

        // a new session starts at the segment start and is told the archive holds up to 50 000
        WalSegmentWriter second = new WalSegmentWriter(archive, 1, Lsn.of(10, 0), Lsn.of(10, 50_000), clock);
        feed(second, 0, 40_000, 8192);
        assertThat(second.flush()).as("all of it was durable already").isFalse();
        feed(second, 40_000, 70_000, 8192);
        assertThat(second.flush()).isTrue();
        assertThat(archive.segment(1, 10)).extracting(f -> f.startOffset() + "-" + f.endOffset())
                .containsExactly("0-50000", "50000-70000");
    }

    @Test
    void refusesAGapInTheStream() throws Exception {
        WalSegmentWriter w = new WalSegmentWriter(archive, 1, Lsn.of(10, 0), Lsn.of(10, 0), clock);
        feed(w, 0, 8192, 8192);
        assertThatThrownBy(() -> w.append(Lsn.of(10, 9000), ByteBuffer.wrap(wal, 9000, 10)))
                .hasMessageContaining("was expected next");
    }
}
