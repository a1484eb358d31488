package dev.hindsight.engine.mariadb;

import dev.hindsight.engine.LogCapture;
import dev.hindsight.engine.LogSource;
import dev.hindsight.engine.ServerSpec;
import dev.hindsight.repo.Layout;
import dev.hindsight.repo.Repository;
import dev.hindsight.repo.catalog.ServerRecord;
import dev.hindsight.store.ObjectInfo;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/** MariaDB's binary log: dumped as a replica would read it, stored in pieces, read back as a {@link BinlogChain}. */
final class MariaDbLogSource implements LogSource {
    /** Binary log applied by the server's parallel applier: far slower per byte than physical redo. */
    private static final double REPLAY_BYTES_PER_SECOND = 8.0 * 1024 * 1024;

    @Override
    public double redoBytesPerSecond() {
        return REPLAY_BYTES_PER_SECOND;
    }


    @Override
    public LogCapture capture(ServerRecord record, ServerSpec server, Repository repository) {
        BinlogCapture capture = new BinlogCapture(new MariaDbSource(MariaDbEngine.cluster(server), record.agentUser(),
                record.agentPassword()), new BinlogArchive(repository, record.id()),
                MariaDbEngine.captureServerIdOf(record.id()), Clock.systemUTC(), record.name());
        capture.start();
        return capture;
    }

    @Override
    public BinlogChain chain(Repository repository, String serverId) throws IOException {
        return new BinlogChain(new BinlogArchive(repository, serverId).list());
    }

    @Override
    public Optional<LogUsage> usageOf(ObjectInfo object) {
        String key = object.key();
        Optional<String> serverId = Layout.serverOf(key);
        if (serverId.isEmpty() || !key.startsWith(Layout.binlogPrefix(serverId.get()))) {
            return Optional.empty();
        }
        return Optional.of(BinlogPiece.parse(key).map(p -> new LogUsage(1, p.end() - p.start()))
                .orElse(new LogUsage(0, object.size())));
    }

    @Override
    public int purgeLeftovers(Repository repository, String serverId) {
        return 0; // nothing is kept beside the binary log
    }
}
