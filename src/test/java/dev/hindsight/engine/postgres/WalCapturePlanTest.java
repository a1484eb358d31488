package dev.hindsight.engine.postgres;

import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where a capture session starts, for each shape of archive and server. */
class WalCapturePlanTest {
    static final TimelineHistory NONE = new TimelineHistory(1, List.of());
    /** Timeline 1 ended at 0/5000100, timeline 2 at 0/7000000 (a segment boundary); the server is on 3. */
    static final TimelineHistory TLI3 = TimelineHistory.parse(3,
            "1\t0/5000100\tno recovery target specified\n\n2\t0/7000000\tat restore point \"x\"\n".getBytes());

    static Optional<WalCapturePlan.ArchiveTail> tail(int tli, String end) {
        return Optional.of(new WalCapturePlan.ArchiveTail(tli, Lsn.parse(end)));
    }

    @Test
    void newArchiveStartsAtTheSegmentOfTheSlotsRestartLsn() {
        assertThat(WalCapturePlan.decide(Optional.empty(), 1, NONE, Lsn.parse("0/3000148")))
                .isEqualTo(new WalCapturePlan(1, Lsn.parse("0/3000000"), Lsn.parse("0/3000000"), false));
    }

    @Test
    void sameTimelineResumesAtTheSegmentOfTheDurableEnd() {
        assertThat(WalCapturePlan.decide(tail(1, "0/4A0C000"), 1, NONE, Lsn.parse("0/4000000")))
                .isEqualTo(new WalCapturePlan(1, Lsn.parse("0/4000000"), Lsn.parse("0/4A0C000"), false));
        assertThat(WalCapturePlan.decide(tail(1, "0/5000000"), 1, NONE, Lsn.parse("0/4000000")))
                .as("a sealed last segment: the next one starts fresh")
                .isEqualTo(new WalCapturePlan(1, Lsn.parse("0/5000000"), Lsn.parse("0/5000000"), false));
    }

    @Test
    void unfinishedAncestorIsStreamedToItsEndFirst() {
        assertThat(WalCapturePlan.decide(tail(1, "0/4F00000"), 3, TLI3, Lsn.parse("0/4000000")))
                .isEqualTo(new WalCapturePlan(1, Lsn.parse("0/4000000"), Lsn.parse("0/4F00000"), true));
    }

    @Test
    void finishedAncestorMovesToItsSuccessorAtTheSwitchSegment() {
        assertThat(WalCapturePlan.decide(tail(1, "0/5000100"), 3, TLI3, Lsn.parse("0/5000000")))
                .isEqualTo(new WalCapturePlan(2, Lsn.parse("0/5000000"), Lsn.parse("0/5000000"), true));
        assertThat(WalCapturePlan.decide(tail(2, "0/7000000"), 3, TLI3, Lsn.parse("0/7000000")))
                .isEqualTo(new WalCapturePlan(3, Lsn.parse("0/7000000"), Lsn.parse("0/7000000"), false));
    }

    @Test
    void refusesAnArchiveFromAnotherLineage() {
        assertThatThrownBy(() -> WalCapturePlan.decide(tail(4, "0/5000000"), 3, TLI3, Lsn.ZERO))
                .isInstanceOf(HindsightException.class).hasMessageContaining("timeline 4");
        assertThatThrownBy(() -> WalCapturePlan.decide(tail(5, "0/5000000"), 6,
                TimelineHistory.parse(6, "1\t0/1000000\tx\n".getBytes()), Lsn.ZERO))
                .hasMessageContaining("not an ancestor");
    }

    @Test
    void parsesHistoryFiles() {
        assertThat(TLI3.ancestors()).containsExactly(
                new TimelineHistory.Entry(1, Lsn.parse("0/5000100")), new TimelineHistory.Entry(2, Lsn.parse("0/7000000")));
        assertThat(TLI3.successorOf(1)).contains(2);
        assertThat(TLI3.successorOf(2)).contains(3);
        assertThat(TLI3.successorOf(3)).isEmpty();
    }
}
