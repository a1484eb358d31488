package dev.hindsight.engine.postgres;

import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.LogSource;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.ObjectInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL's WAL: streamed from a replication slot into the repository, with a WAL summary
 * of each segment beside it for differentials; read back as a {@link WalChain}.
 */
final class PgLogSource implements LogSource {
    /** PostgreSQL's single-threaded redo read ~120 MB/s of pgbench WAL on 2 cores (docs/BENCHMARKS.md). */
    private static final double REDO_BYTES_PER_SECOND = 48.0 * 1024 * 1024;

    @Override
    public double redoBytesPerSecond() {
        return REDO_BYTES_PER_SECOND;
    }

    private static final Logger log = LoggerFactory.getLogger(PgLogSource.class);

    private final Map<String, PgWalSummarizer> summarizers;

    PgLogSource(Map<String, PgWalSummarizer> summarizers) {
        this.summarizers = summarizers;
    }

    @Override
    public LogCapture capture(ServerRecord record, ServerSpec server, Repository repository) {
        PgCluster cluster = PostgresEngine.cluster(server);
        PgWalSummarizer summarizer;
        try {
            summarizer = new PgWalSummarizer(cluster.installation(), new WalArchive(repository, record.id()),
                    new PgWalSummaries(repository, record.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a spool directory for the WAL summarizer of " + record.name(), e);
        }
        summarizers.put(record.id(), summarizer);
        try {
            return PgLogCapture.start(cluster, record, new WalArchive(repository, record.id()), summarizer,
                    () -> summarizers.remove(record.id(), summarizer));
        } catch (RuntimeException e) {
            summarizers.remove(record.id(), summarizer);
            summarizer.close();
            throw e;
        }
    }

    @Override
    public WalChain chain(Repository repository, String serverId) throws IOException {
        return new WalChain(new WalArchive(repository, serverId).list());
    }

    @Override
    public Optional<LogUsage> usageOf(ObjectInfo object) {
        String key = object.key();
        Optional<String> serverId = Layout.serverOf(key);
        if (serverId.isEmpty()) {
            return Optional.empty();
        }
        if (key.startsWith(Layout.walPrefix(serverId.get()))) {
            // a timeline history file counts whole, with no WAL object of its own
            return Optional.of(WalFile.parse(key).map(w -> new LogUsage(1, w.endOffset() - w.startOffset()))
                    .orElse(new LogUsage(0, object.size())));
        }
        if (key.startsWith(Layout.walSummaryPrefix(serverId.get()))) {
            return Optional.of(new LogUsage(0, 0)); // kept because of the WAL and purged with it: billed with it
        }
        return Optional.empty();
    }

    @Override
    public int purgeLeftovers(Repository repository, String serverId) throws IOException {
        // summaries of WAL that is gone can serve no differential: no full remains before them
        WalArchive wal = new WalArchive(repository, serverId);
        int pieces = wal.dropPiecesOfSealedSegments();
        if (pieces > 0) {
            log.info("Purged {} WAL pieces of server {}: their segments are sealed", pieces, serverId);
        }
        int summaries = new PgWalSummaries(repository, serverId).purgeWithoutWal(wal);
        if (summaries > 0) {
            log.info("Purged {} WAL summaries of server {}: their WAL is gone", summaries, serverId);
        }
        return pieces + summaries;
    }
}
