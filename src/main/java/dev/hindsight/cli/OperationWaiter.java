package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.HindsightException;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;

import java.io.PrintWriter;

/**
 * Follows an operation until it ends: on a terminal with a progress bar per step, otherwise
 * (a pipe, a log, a test) with one plain line per step.
 */
final class OperationWaiter {
    private OperationWaiter() {
    }

    /** Returns the operation's result once it succeeded; throws its error if it failed. */
    static JsonNode await(ApiClient client, String operationId, PrintWriter err) {
        if (System.console() == null) {
            return await(client, operationId, err, null);
        }
        try (TerminalProgress bars = new TerminalProgress(() -> new ConsoleProgressBarConsumer(System.err), line -> {
            err.println(line);
            err.flush();
        })) {
            return await(client, operationId, err, bars);
        }
    }

    static JsonNode await(ApiClient client, String operationId, PrintWriter err, TerminalProgress bars) {
        String lastPhase = "";
        while (true) {
            JsonNode op = client.get("/api/v1/operations/" + operationId);
            String status = op.path("status").asText();
            String phase = op.path("step").asText("");
            if (bars != null) {
                bars.show(phase, op.path("done").asLong(), op.path("total").asLong(-1), op.path("unit").asText("bytes"));
            } else if (!phase.equals(lastPhase)) {
                err.println(phase);
                err.flush();
                lastPhase = phase;
            }
            if (!"running".equals(status)) {
                if (bars != null) {
                    bars.end("succeeded".equals(status));
                }
                err.flush();
                if ("succeeded".equals(status)) {
                    return op.path("result");
                }
                throw new HindsightException(HindsightException.Kind.FAILED, op.path("error").asText("failed"),
                        op.hasNonNull("hint") ? op.get("hint").asText() : null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HindsightException(HindsightException.Kind.FAILED, "interrupted while waiting; operation "
                        + operationId + " goes on in the daemon", null);
            }
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", n / 1048576.0);
        }
        return String.format("%.2f GiB", n / 1073741824.0);
    }
}
