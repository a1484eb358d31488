package dev.hindsight.engine.postgres;

import dev.hindsight.engine.LogCapture;
import dev.hindsight.plan.Position;
import dev.hindsight.repo.catalog.ServerRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** {@link PgWalCapture} (with its {@link PgWalSummarizer}) seen through the engine-neutral {@link LogCapture}. */
final class PgLogCapture implements LogCapture {
    private final PgWalCapture capture;
    private final PgWalSummarizer summarizer;
    private final Runnable onClose;

    private PgLogCapture(PgWalCapture capture, PgWalSummarizer summarizer, Runnable onClose) {
        this.capture = capture;
        this.summarizer = summarizer;
        this.onClose = onClose;
    }

    /** The slot of a server: one per server id, so a restored server never shares its source's. */
    static String slotName(ServerRecord record) {
        return "hindsight_" + record.id().replaceAll("[^a-z0-9_]", "_");
    }

    /** @param onClose runs once both have stopped */
    static PgLogCapture start(PgCluster cluster, ServerRecord record, WalArchive archive,
                              PgWalSummarizer summarizer, Runnable onClose) {
        PgWalCapture capture = new PgWalCapture(
                () -> cluster.connectReplication(record.agentUser(), record.agentPassword()), archive,
                PgWalCapture.Options.defaults(slotName(record)), Clock.systemUTC(), summarizer);
        capture.start();
        return new PgLogCapture(capture, summarizer, onClose);
    }

    @Override
    public Optional<Position> durablePosition() {
        return Optional.ofNullable(capture.durableLsn());
    }

    @Override
    public Optional<Instant> caughtUpAt() {
        return capture.lastCaughtUpAt();
    }

    @Override
    public Optional<Long> pendingBytes() {
        Lsn received = capture.receivedLsn();
        Lsn durable = capture.durableLsn();
        return received == null || durable == null ? Optional.empty()
                : Optional.of(Math.max(0, received.value() - durable.value()));
    }

    @Override
    public boolean awaitDurable(Position position, Duration timeout) throws InterruptedException {
        return capture.awaitDurable(Lsn.of(position), timeout);
    }

    @Override
    public Optional<String> lastError() {
        PgWalCapture.State state = capture.state();
        if (state != PgWalCapture.State.RETRYING && state != PgWalCapture.State.FAILED
                && state != PgWalCapture.State.CONNECTING) {
            return Optional.empty();
        }
        return capture.lastError().map(e -> state.name().toLowerCase() + ": " + e.getMessage());
    }

    @Override
    public void close() {
        try {
            capture.close();
        } finally {
            summarizer.close();
            onClose.run();
        }
    }
}
