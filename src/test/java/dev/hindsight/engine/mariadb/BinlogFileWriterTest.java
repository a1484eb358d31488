package dev.hindsight.engine.mariadb;

import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BinlogFileWriterTest {
    @TempDir
    Path tmp;
    BinlogArchive archive;

    @BeforeEach
    void repo() throws Exception {
        archive = new BinlogArchive(Repository.openOrCreate(new FileStore(tmp.resolve("repo")), "pw".toCharArray()), "s");
    }

    /** The events of a file after its magic, one array each, as the server streams them. */
    static List<byte[]> events(BinlogEvents file) {
        byte[] all = file.bytes();
        List<byte[]> out = new java.util.ArrayList<>();
        for (int at = 4; at < all.length; ) {
            int length = (int) BinlogEvent.length(Arrays.copyOfRange(all, at, at + BinlogEvent.HEADER));
            out.add(Arrays.copyOfRange(all, at, at + length));
            at += length;
        }
        return out;
    }

    byte[] staged(String file) throws Exception {
        BinlogChain.FileReach reach = archive.durableEnd().orElseThrow();
        return Files.readAllBytes(archive.stage(file, reach.reach(), Files.createDirectories(tmp.resolve("stage"))));
    }

    @Test
    void flushesPiecesChunksAndSealsAndAResumedWriterGoesOnByteForByte() throws Exception {
        BinlogEvents file = new BinlogEvents("binlog.000001");
        for (int i = 1; i <= 40; i++) {
            file.transaction(100 + i, i);
        }
        file.rotate(200, "binlog.000002");
        List<byte[]> events = events(file);

        BinlogFileWriter w = new BinlogFileWriter(archive, Clock.systemUTC(), archive.durableEnd(), 1000);
        w.begin("binlog.000001", 4);
        for (byte[] e : events.subList(0, 70)) {
            w.append(e);
            if (BinlogEvent.type(e) == BinlogEvent.XID) {
                w.flush();
            }
        }
        // the process dies here; a new writer resumes where the archive ends
        BinlogFileWriter again = new BinlogFileWriter(archive, Clock.systemUTC(), archive.durableEnd(), 1000);
        long resumeAt = again.resumePosition().orElseThrow().offset();
        assertThat(again.resumePosition()).contains(new BinlogPosition("binlog.000001", resumeAt));
        int next = 0;
        for (long at = 4; at < resumeAt; next++) {
            at += events.get(next).length;
        }
        assertThatThrownBy(() -> again.begin("binlog.000001", resumeAt + 1)).hasMessageContaining("was expected next");
        again.begin("binlog.000001", resumeAt);
        byte[] skipped = events.get(next + 1);
        assertThatThrownBy(() -> again.append(skipped)).hasMessageContaining("was expected next");
        for (byte[] e : events.subList(next, events.size())) {
            again.append(e);
        }
        again.seal();

        assertThat(archive.durableEnd().orElseThrow().sealed()).isTrue();
        assertThat(staged("binlog.000001")).isEqualTo(file.bytes());
        assertThat(archive.file("binlog.000001").size()).as("pieces inside chunks are dropped")
                .isLessThan(file.bytes().length / 1000 + 6);
        BinlogFileWriter third = new BinlogFileWriter(archive, Clock.systemUTC(), archive.durableEnd(), 1000);
        assertThat(third.lastSealed()).contains("binlog.000001");
        assertThatThrownBy(() -> third.begin("binlog.000003", 4)).hasMessageContaining("were not captured");
        third.acceptGapBefore("binlog.000003"); // the capture found binlog.000002 purged and said so
        third.begin("binlog.000003", 4);
        assertThat(third.durable()).contains(new BinlogPosition("binlog.000003", 0));
    }

    @Test
    void aSealWithNothingNewIsAnEmptyObjectThatEndsTheFile() throws Exception {
        BinlogEvents file = new BinlogEvents("binlog.000005");
        file.transaction(10, 1);
        BinlogFileWriter w = new BinlogFileWriter(archive, Clock.systemUTC(), Optional.empty());
        w.begin("binlog.000005", 4);
        events(file).forEach(e -> {
            try {
                w.append(e);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        w.flush();
        java.time.Instant flushedAt = archive.durableEnd().orElseThrow().durableAt();
        Thread.sleep(20);
        BinlogFileWriter resumed = new BinlogFileWriter(archive, Clock.systemUTC(), archive.durableEnd());
        resumed.seal(); // the server went on to the next file without a rotate: it crashed
        assertThat(archive.durableEnd().orElseThrow().durableAt()).as("a late seal claims nothing about the time"
                + " after the last bytes").isEqualTo(flushedAt);
        assertThat(archive.file("binlog.000005")).anyMatch(p -> p.sealed() && p.length() == 0);
        assertThat(archive.durableEnd().orElseThrow().sealed()).isTrue();
        assertThat(staged("binlog.000005")).isEqualTo(file.bytes());
    }

    @Test
    void aChunkOfBytesAlreadyStoredKeepsTheTimeTheyWereStored() throws Exception {
        BinlogEvents file = new BinlogEvents("binlog.000006");
        file.transaction(10, 1);
        BinlogFileWriter w = new BinlogFileWriter(archive, Clock.systemUTC(), Optional.empty());
        w.begin("binlog.000006", 4);
        for (byte[] e : events(file)) {
            w.append(e);
        }
        w.flush();
        java.time.Instant flushedAt = archive.durableEnd().orElseThrow().durableAt();
        Thread.sleep(20);
        w.seal();
        assertThat(archive.file("binlog.000006")).singleElement().satisfies(p -> {
            assertThat(p.sealed()).isTrue();
            assertThat(p.receivedAt()).isEqualTo(flushedAt);
        });
        assertThat(staged("binlog.000006")).isEqualTo(file.bytes());
    }
}
