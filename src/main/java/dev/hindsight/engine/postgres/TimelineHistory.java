package dev.hindsight.engine.postgres;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL timeline history file ({@code 00000002.history}): one line per ancestor timeline,
 * {@code parentTLI <tab> switchpoint <tab> reason}, saying where that ancestor ended and the next
 * timeline began. Timeline {@code timeline} itself has no line: it is still going.
 */
public record TimelineHistory(int timeline, List<Entry> ancestors) {
    /** Ancestor {@code timeline} ended at {@code switchpoint} (exclusive). */
    public record Entry(int timeline, Lsn switchpoint) {
    }

    public static TimelineHistory parse(int timeline, byte[] content) {
        List<Entry> entries = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            String[] fields = s.split("\\s+", 3);
            if (fields.length < 2) {
                throw new IllegalArgumentException("bad line in history of timeline " + timeline + ": " + line);
            }
            entries.add(new Entry(Integer.parseInt(fields[0]), Lsn.parse(fields[1])));
        }
        return new TimelineHistory(timeline, List.copyOf(entries));
    }

    /** Where ancestor {@code tli} ended; empty if it is not an ancestor. */
    public Optional<Lsn> endOf(int tli) {
        return ancestors.stream().filter(e -> e.timeline() == tli).map(Entry::switchpoint).findFirst();
    }

    /** The timeline that followed ancestor {@code tli}: the next line's, or this history's own. */
    public Optional<Integer> successorOf(int tli) {
        for (int i = 0; i < ancestors.size(); i++) {
            if (ancestors.get(i).timeline() == tli) {
                return Optional.of(i + 1 < ancestors.size() ? ancestors.get(i + 1).timeline() : timeline);
            }
        }
        return Optional.empty();
    }
}
