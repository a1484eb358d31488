package dev.hindsight.engine;

import dev.hindsight.util.HindsightException;

import java.util.List;

/** How an attach pre-flight check reports what a server lacks: every shortfall, numbered, and that nothing was changed. */
public final class AttachShortfalls {
    private AttachShortfalls() {
    }

    /** Fails with the numbered list when there is anything in it. */
    public static void failIfAny(String host, int port, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("the server at " + host + ":" + port
                + " is not ready for continuous backup:");
        for (int i = 0; i < problems.size(); i++) {
            message.append("\n  ").append(i + 1).append(". ").append(problems.get(i));
        }
        throw HindsightException.invalid(message.toString(),
                "make these changes on the server (Hindsight changes nothing there by itself), then attach again");
    }
}
