package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.HindsightException;

import java.io.PrintWriter;

/** Follows an operation until it ends, drawing its progress on one line of stderr. */
final class OperationWaiter {
    private OperationWaiter() {
    }

    /** Returns the operation's result once it succeeded; throws its error if it failed. */
    static JsonNode await(ApiClient client, String operationId, PrintWriter err) {
        boolean terminal = System.console() != null;
        String lastLine = "";
        String lastPhase = "";
        while (true) {
            JsonNode op = client.get("/api/v1/operations/" + operationId);
            String status = op.path("status").asText();
            String line = describe(op);
            String phase = op.path("step").asText("");
            if (terminal && !line.equals(lastLine)) {
                err.print("\r\033[K" + line);
                err.flush();
                lastLine = line;
            } else if (!terminal && !phase.equals(lastPhase)) {
                err.println(phase);
                err.flush();
                lastPhase = phase;
            }
            if (!"running".equals(status)) {
                if (terminal) {
                    err.println();
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

    static String describe(JsonNode op) {
        String phase = op.path("step").asText("");
        long done = op.path("done").asLong();
        long total = op.path("total").asLong(-1);
        if (total > 0) {
            int percent = (int) Math.min(100, done * 100 / total);
            String bar = "#".repeat(percent / 4) + ".".repeat(25 - percent / 4);
            return String.format("%s [%s] %3d%% %s / %s", phase, bar, percent, bytes(done), bytes(total));
        }
        return phase;
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
