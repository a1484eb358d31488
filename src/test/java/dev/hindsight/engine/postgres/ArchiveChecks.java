package dev.hindsight.engine.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole-archive checks shared by the capture tests. */
final class ArchiveChecks {
    private ArchiveChecks() {
    }

    /**
     * Asserts the archive's WAL of {@code timeline} is one unbroken run: consecutive segments, each
     * either a single sealed object or pieces laid end to end from offset 0 (no gap, no overlap),
     * only the last one unsealed; and that every staged segment equals the server's file in
     * {@code pgWal} where that still exists. Returns how many sealed segments were compared.
     */
    static int assertContiguousAndIdentical(WalArchive archive, int timeline, Path pgWal, Path stageDir) throws Exception {
        Map<Long, List<WalFile>> bySegment = new TreeMap<>();
        for (WalFile f : archive.list(timeline)) {
            bySegment.computeIfAbsent(f.segno(), k -> new java.util.ArrayList<>()).add(f);
        }
        assertThat(bySegment).as("archive of timeline " + timeline).isNotEmpty();
        Files.createDirectories(stageDir);
        long first = bySegment.keySet().iterator().next();
        long last = first + bySegment.size() - 1;
        assertThat(bySegment.keySet()).as("consecutive segments").last().isEqualTo(last);
        int compared = 0;
        for (Map.Entry<Long, List<WalFile>> e : bySegment.entrySet()) {
            List<WalFile> objects = e.getValue();
            String name = Lsn.of(e.getKey(), 0).walFileName(timeline);
            long end;
            if (objects.stream().anyMatch(WalFile::sealed)) {
                assertThat(objects).as("sealed " + name + " keeps no pieces and no second seal").hasSize(1);
                end = Lsn.SEGMENT_SIZE;
            } else {
                assertThat(e.getKey()).as("only the last segment may be open: " + name).isEqualTo(last);
                long at = 0;
                for (WalFile piece : objects) {
                    assertThat(piece.startOffset()).as("piece of " + name + " starts where the previous ended").isEqualTo(at);
                    at = piece.endOffset();
                }
                end = at;
            }
            Path server = pgWal.resolve(name);
            if (Files.exists(server)) {
                byte[] ours = Files.readAllBytes(archive.stageSegment(timeline, e.getKey(), stageDir));
                byte[] theirs = Files.readAllBytes(server);
                assertThat(ours).hasSize((int) Lsn.SEGMENT_SIZE);
                int mismatch = Arrays.mismatch(ours, 0, (int) end, theirs, 0, (int) end);
                assertThat(mismatch).as(name + " differs from the server's file at offset " + mismatch).isEqualTo(-1);
                if (end == Lsn.SEGMENT_SIZE) {
                    compared++;
                }
            }
        }
        return compared;
    }
}
