package dev.hindsight.engine.postgres;

import dev.hindsight.repo.Layout;

import java.util.Optional;

/** A WAL summary in the repository: which blocks the records starting in [{@code start}, {@code end}) name. */
record WalSummaryKey(int timeline, Lsn start, Lsn end) {
    String key(String serverId) {
        return Layout.walSummary(serverId, new Layout.WalSummaryName(timeline, start.value(), end.value()));
    }

    /** The summary a repository key names; empty for any other key. */
    static Optional<WalSummaryKey> parse(String key) {
        return Layout.parseWalSummary(key).map(n -> new WalSummaryKey(n.timeline(), new Lsn(n.start()),
                new Lsn(n.end())));
    }
}
