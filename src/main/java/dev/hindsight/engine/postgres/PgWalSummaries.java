package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.store.ObjectExistsException;
import dev.hindsight.store.ObjectInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The WAL summaries of one server in its repository: for a stretch of WAL, the blocks its records
 * name (a {@link PgChangedBlocks}). {@link PgWalSummarizer} writes one as each segment is sealed,
 * so a differential merges a few small objects instead of decoding a week of WAL. A summary
 * [start, end) holds every record that starts in it; consecutive ones touch, and a gap (the
 * summarizer restarted, or fell behind) is left for the differential to decode itself.
 */
public final class PgWalSummaries {
    private final Repository repo;
    private final String serverId;

    public PgWalSummaries(Repository repo, String serverId) {
        this.repo = repo;
        this.serverId = serverId;
    }

    /**
     * Summaries that cover every record starting in [{@code from}, {@code end}) of a timeline.
     * {@code end} is {@code from} when none starts at or before it.
     */
    record Chain(List<WalSummaryKey> summaries, Lsn end) {
    }

    void write(WalSummaryKey key, PgChangedBlocks changes) throws IOException {
        try {
            repo.writeBytes(key.key(serverId), changes.toBytes());
        } catch (ObjectExistsException e) {
            // written before a restart: the same WAL gives the same summary
        }
    }

    List<WalSummaryKey> list(int timeline) throws IOException {
        return repo.list(Layout.walSummaryPrefix(serverId, timeline)).stream()
                .map(info -> WalSummaryKey.parse(info.key())).flatMap(Optional::stream)
                .sorted(Comparator.comparing(WalSummaryKey::start)).toList();
    }

    /** The longest gap-free run of summaries from {@code from} on. */
    Chain chain(int timeline, Lsn from) throws IOException {
        return chain(list(timeline), from);
    }

    static Chain chain(List<WalSummaryKey> sortedByStart, Lsn from) {
        List<WalSummaryKey> used = new ArrayList<>();
        Lsn covered = from;
        while (true) {
            WalSummaryKey furthest = null;
            for (WalSummaryKey k : sortedByStart) {
                if (k.start().isAfter(covered)) {
                    break;
                }
                if (k.end().isAfter(covered) && (furthest == null || k.end().isAfter(furthest.end()))) {
                    furthest = k;
                }
            }
            if (furthest == null) {
                return new Chain(used, covered);
            }
            used.add(furthest);
            covered = furthest.end();
        }
    }

    /** Everything the chain's summaries name, merged. */
    PgChangedBlocks read(Chain chain) throws IOException {
        PgChangedBlocks all = PgChangedBlocks.none();
        for (WalSummaryKey k : chain.summaries()) {
            all.merge(PgChangedBlocks.fromBytes(repo.readBytes(k.key(serverId))));
        }
        return all;
    }

    /**
     * Deletes the summaries of WAL that is gone: those ending at or before the first WAL object
     * left on their timeline, and all of a timeline without WAL. Returns how many. Summaries are
     * listed before the WAL: a new timeline's first summary may be stored just before its first
     * WAL object, and must not look like one whose WAL is gone.
     */
    public int purgeWithoutWal(WalArchive wal) throws IOException {
        List<ObjectInfo> listed = repo.list(Layout.walSummaryPrefix(serverId));
        Map<Integer, Lsn> firstKept = new HashMap<>();
        for (WalFile f : wal.list()) {
            firstKept.merge(f.timeline(), f.start(), (a, b) -> a.isBefore(b) ? a : b);
        }
        int deleted = 0;
        for (ObjectInfo info : listed) {
            Optional<WalSummaryKey> key = WalSummaryKey.parse(info.key());
            if (key.isEmpty()) {
                continue;
            }
            Lsn first = firstKept.get(key.get().timeline());
            if ((first == null || !key.get().end().isAfter(first)) && repo.deleteUnlessImmutable(info.key())) {
                deleted++; // one still immutable stays for a later purge
            }
        }
        return deleted;
    }
}
