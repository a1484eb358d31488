package dev.hindsight.engine.postgres;

import dev.hindsight.plan.LogChain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The WAL a repository holds for one server, read as one chain of segments. Where a timeline
 * switch left two versions of a segment, the newest timeline's wins (that is what recovery
 * with {@code recovery_target_timeline = 'latest'} reads). Retention keeps or deletes WAL a
 * segment at a time.
 */
public final class WalChain implements LogChain<Lsn> {
    /** One segment of the chain: how far its bytes reach from its start, and since when they are durable. */
    public record Segment(int timeline, long segno, long reach, Instant durableAt) {
        public boolean complete() {
            return reach == Lsn.SEGMENT_SIZE;
        }

        public Lsn end() {
            return Lsn.of(segno, reach);
        }
    }

    /** The contiguous run of segments from a start position, and the first hole after it, if any. */
    public record Run(List<Segment> segments, Optional<String> gap) implements LogChain.Run<Lsn> {
        @Override
        public boolean reaches(Lsn position) {
            return end().isPresent() && !end().get().isBefore(position);
        }

        public Optional<Lsn> end() {
            return segments.isEmpty() ? Optional.empty() : Optional.of(segments.get(segments.size() - 1).end());
        }

        @Override
        public Optional<Instant> durableAt() {
            return segments.isEmpty() ? Optional.empty()
                    : Optional.of(segments.get(segments.size() - 1).durableAt());
        }
    }

    private final TreeMap<Long, Segment> bySegno = new TreeMap<>();
    private final List<WalFile> files;

    public WalChain(List<WalFile> files) {
        this.files = List.copyOf(files);
        Map<Long, List<WalFile>> grouped = files.stream().collect(Collectors.groupingBy(WalFile::segno));
        grouped.forEach((segno, versions) -> newestTimeline(versions).ifPresent(s -> bySegno.put(segno, s)));
    }

    private static Optional<Segment> newestTimeline(List<WalFile> versions) {
        int timeline = versions.stream().mapToInt(WalFile::timeline).max().orElseThrow();
        List<WalFile> mine = versions.stream().filter(f -> f.timeline() == timeline)
                .sorted(Comparator.comparingLong(WalFile::startOffset).thenComparing(WalFile::receivedAt))
                .toList();
        long reach = 0;
        Instant durableAt = null;
        for (WalFile f : mine) {
            if (f.startOffset() <= reach && f.endOffset() > reach) {
                reach = f.endOffset();
                durableAt = f.receivedAt();
            }
        }
        return reach == 0 ? Optional.empty()
                : Optional.of(new Segment(timeline, mine.get(0).segno(), reach, durableAt));
    }

    @Override
    public Lsn position(String text) {
        return Lsn.parse(text);
    }

    @Override
    public List<WalFile> objects() {
        return files;
    }

    @Override
    public long bytesAfter(Lsn start) {
        return bySegno.isEmpty() ? 0 : Math.max(0, bySegno.lastEntry().getValue().end().value() - start.value());
    }

    @Override
    public long unitOf(Lsn position) {
        return position.segment();
    }

    /**
     * The contiguous chain from the segment holding {@code start}: it stops at the first missing
     * segment or at a segment that is not complete (the open tail). If anything exists beyond
     * that stop, the hole is described rather than skipped.
     */
    @Override
    public Run from(Lsn start) {
        List<Segment> run = new ArrayList<>();
        long segno = start.segment();
        Optional<String> gap = Optional.empty();
        while (true) {
            Segment s = bySegno.get(segno);
            if (s == null) {
                Long later = bySegno.higherKey(segno);
                if (later != null) {
                    gap = Optional.of("WAL segment " + Lsn.of(segno, 0).walFileName(lastTimeline(run))
                            + " is missing, yet later WAL exists (from " + Lsn.of(later, 0) + ")");
                }
                break;
            }
            run.add(s);
            if (!s.complete()) {
                if (bySegno.higherKey(segno) != null) {
                    gap = Optional.of("WAL segment " + Lsn.of(segno, 0).walFileName(s.timeline())
                            + " ends at " + s.end() + ", short of its end, yet later WAL exists");
                }
                break;
            }
            segno++;
        }
        return new Run(List.copyOf(run), gap);
    }

    private static int lastTimeline(List<Segment> run) {
        return run.isEmpty() ? 1 : run.get(run.size() - 1).timeline();
    }
}
