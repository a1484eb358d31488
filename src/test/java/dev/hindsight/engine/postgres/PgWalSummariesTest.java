package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.FileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which summaries a differential can use, and which go when their WAL does. */
class PgWalSummariesTest {
    @TempDir
    Path tmp;

    private static WalSummaryKey key(String start, String end) {
        return new WalSummaryKey(1, Lsn.parse(start), Lsn.parse(end));
    }

    @Test
    void theChainRunsFromTheStartWithoutAGapAndStopsAtTheFirstOne() {
        List<WalSummaryKey> all = List.of(key("0/1000000", "0/1FFF8F0"), key("0/1FFF8F0", "0/3000000"),
                key("0/3000000", "0/3FF0000"), key("0/5000000", "0/6000000"));
        PgWalSummaries.Chain chain = PgWalSummaries.chain(all, Lsn.parse("0/1800000"));
        assertThat(chain.summaries()).containsExactly(all.get(0), all.get(1), all.get(2));
        assertThat(chain.end()).as("records from 0/3FF0000 to 0/5000000 were never summarized")
                .isEqualTo(Lsn.parse("0/3FF0000"));
        assertThat(PgWalSummaries.chain(all, Lsn.parse("0/4000000")).summaries()).isEmpty();
        assertThat(PgWalSummaries.chain(all, Lsn.parse("0/4000000")).end()).isEqualTo(Lsn.parse("0/4000000"));
        assertThat(PgWalSummaries.chain(all, Lsn.parse("0/900000")).end()).as("nothing starts at or before it")
                .isEqualTo(Lsn.parse("0/900000"));
    }

    @Test
    void overlappingSummariesFromARestartedSummarizerStillChain() {
        // after a restart the summarizer began again at a segment start inside an older summary
        List<WalSummaryKey> all = List.of(key("0/1000000", "0/2FFFF00"), key("0/2000000", "0/2800000"),
                key("0/2000000", "0/4000000"), key("0/4000000", "0/4000100"));
        PgWalSummaries.Chain chain = PgWalSummaries.chain(all, Lsn.parse("0/1000000"));
        assertThat(chain.summaries()).containsExactly(all.get(0), all.get(2), all.get(3));
        assertThat(chain.end()).isEqualTo(Lsn.parse("0/4000100"));
    }

    @Test
    void summariesGoWithTheirWalAndTheRestStay() throws Exception {
        Repository repo = Repository.openOrCreate(new FileStore(tmp.resolve("repo")), "pw".toCharArray());
        PgWalSummaries summaries = new PgWalSummaries(repo, "srv");
        WalSummaryKey gone = key("0/1000000", "0/2000000");
        WalSummaryKey reachesKeptWal = key("0/2000000", "0/3000100");
        WalSummaryKey kept = key("0/3000100", "0/4000000");
        WalSummaryKey otherTimeline = new WalSummaryKey(2, Lsn.parse("0/4000000"), Lsn.parse("0/5000000"));
        for (WalSummaryKey k : List.of(gone, reachesKeptWal, kept, otherTimeline)) {
            summaries.write(k, PgChangedBlocks.none());
        }
        summaries.write(kept, PgChangedBlocks.none()); // written again after a restart: no error

        WalArchive wal = new WalArchive(repo, "srv");
        wal.put(new WalFile(1, 3, 0, Lsn.SEGMENT_SIZE, Instant.EPOCH), new byte[(int) Lsn.SEGMENT_SIZE], 0);
        int deleted = summaries.purgeWithoutWal(wal);

        assertThat(deleted).isEqualTo(2);
        assertThat(summaries.list(1)).containsExactly(reachesKeptWal, kept);
        assertThat(summaries.list(2)).as("no WAL of timeline 2 is left").isEmpty();
        assertThat(repo.list(Layout.walSummaryPrefix("srv"))).hasSize(2);
    }
}
