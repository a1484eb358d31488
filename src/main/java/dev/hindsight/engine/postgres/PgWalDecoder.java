package dev.hindsight.engine.postgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the server's own {@code pg_waldump} over staged WAL segments and reads which blocks the
 * records name: PostgreSQL's decoder for its exact version, instead of a parser of our own.
 */
final class PgWalDecoder {
    private static final long TIMEOUT_MINUTES = 10;
    /** How far a yielding decoder gives way: at 10, a busy server's processes get ~90 % of a contended core. */
    private static final int NICENESS = 10;

    /**
     * What one run read. pg_waldump prints a record only once it has read all of it, so
     * {@code changes} holds every record it printed, whatever stopped it.
     *
     * @param exitCode 0 when it reached {@code --end}; -1 when it was stopped for taking too long
     * @param error    its standard error, stripped
     */
    record Decoded(PgChangedBlocks changes, int exitCode, String error) {
        boolean reachedEnd() {
            return exitCode == 0;
        }
    }

    private final PgInstallation pg;
    private final boolean yielding;

    /** A decoder for work someone waits on (a differential summarizing the WAL it needs). */
    PgWalDecoder(PgInstallation pg) {
        this(pg, false);
    }

    /**
     * @param yielding run pg_waldump under {@code nice}: for background work (summarizing WAL as
     *                 it arrives), which on a busy machine should give way to the database itself
     */
    PgWalDecoder(PgInstallation pg, boolean yielding) {
        this.pg = pg;
        this.yielding = yielding;
    }

    /**
     * Decodes the records starting in [{@code start}, {@code end}) of the segments in {@code dir}.
     * A record that does not end before {@code end} is not read (pg_waldump reads no byte past
     * it), so a summarizer passes the end of the newest segment it has and learns from
     * {@link PgChangedBlocks#lastRecord()} where to pick up. Works in {@code dir}.
     */
    Decoded decode(Path dir, int timeline, Lsn start, Lsn end) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "waldump-", ".out");
        Path err = Files.createTempFile(dir, "waldump-", ".err");
        try {
            // --timeline: pg_waldump assumes 1, and every restored server runs on a later one
            List<String> command = new ArrayList<>();
            if (yielding) {
                command.addAll(List.of("nice", "-n", String.valueOf(NICENESS)));
            }
            command.addAll(List.of(pg.tool("pg_waldump").toString(), "--path=" + dir,
                    "--timeline=" + timeline, "--start=" + start, "--end=" + end));
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit;
            try {
                if (p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    exit = p.exitValue();
                } else {
                    p.destroyForcibly().waitFor();
                    exit = -1;
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                throw e;
            }
            String error = exit == -1 ? "pg_waldump took more than " + TIMEOUT_MINUTES + " minutes"
                    : Files.readString(err).strip();
            try (BufferedReader lines = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
                // a killed pg_waldump may have left half a line: nothing it printed counts then
                return new Decoded(exit == -1 ? PgChangedBlocks.none() : PgChangedBlocks.read(lines), exit, error);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
