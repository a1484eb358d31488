package dev.hindsight.util;


import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands (initdb, pg_ctl, pgbench, …) with a timeout and captured output.
 * stderr is merged into stdout because tools like pg_ctl write their useful message to either.
 * Failures carry the command, the exit code and the last lines of output, so a user can act
 * without re-running anything.
 */
public final class Processes {
    /** Keep at most this much output: a chatty tool must not exhaust memory. */
    private static final int MAX_OUTPUT_CHARS = 256 * 1024;
    private static final int TAIL_LINES = 20;

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        public String tail() {
            return Processes.tail(output, TAIL_LINES);
        }
    }

    private Processes() {
    }

    /** Runs {@code command}; a {@link HindsightException} unless it exits 0 within {@code timeout}. */
    public static Result run(List<String> command, Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        Result result = runAllowingFailure(command, env, timeout);
        if (!result.succeeded()) {
            throw failure(result);
        }
        return result;
    }

    /** Runs {@code command} and returns whatever exit code it had; still fails on timeout. */
    public static Result runAllowingFailure(List<String> command, Map<String, String> env, Duration timeout) {
        return runAllowingFailure(command, env, null, timeout);
    }

    public static Result runAllowingFailure(List<String> command, Map<String, String> env, Path workDir, Duration timeout) {
        try (Running running = start(command, env, workDir)) {
            return running.await(timeout);
        }
    }

    public static Result run(List<String> command, Map<String, String> env, Path workDir, Duration timeout) {
        Result result = runAllowingFailure(command, env, workDir, timeout);
        if (!result.succeeded()) {
            throw failure(result);
        }
        return result;
    }

    /** Starts {@code command} in the background; {@link Running#await} collects it. */
    public static Running start(List<String> command, Map<String, String> env) {
        return start(command, env, null);
    }

    /**
     * As {@link #start(List, Map)}, in {@code workDir} (null: this JVM's). Programs run as another
     * user need a directory that user can enter: initdb and pg_ctl fail if they cannot resolve
     * their current directory.
     */
    public static Running start(List<String> command, Map<String, String> env, Path workDir) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().putAll(env);
        try {
            return new Running(List.copyOf(command), builder.start());
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not start " + String.join(" ", command) + ": " + e.getMessage(),
                    "check that the program is installed and executable", e);
        }
    }

    public static HindsightException failure(Result result) {
        return new HindsightException(HindsightException.Kind.FAILED,
                String.join(" ", result.command()) + " exited with code " + result.exitCode()
                        + (result.output().isBlank() ? "" : ":\n" + result.tail()),
                "see the output above; the command can be re-run by hand to investigate");
    }

    /** The last {@code lines} lines of {@code text}. */
    public static String tail(String text, int lines) {
        String trimmed = text.stripTrailing();
        int at = trimmed.length();
        for (int i = 0; i < lines && at > 0; i++) {
            at = trimmed.lastIndexOf('\n', at - 1);
            if (at < 0) {
                return trimmed;
            }
        }
        return trimmed.substring(at + 1);
    }

    /** A started command whose output is collected on a background thread (so it never blocks on a full pipe). */
    public static final class Running implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final StringBuilder output = new StringBuilder();
        private final Thread reader;

        private Running(List<String> command, Process process) {
            this.command = command;
            this.process = process;
            this.reader = new Thread(this::collect, "process-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void collect() {
            byte[] buf = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (output) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (output.length() > MAX_OUTPUT_CHARS) {
                            output.delete(0, output.length() - MAX_OUTPUT_CHARS);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process went away; what we have is all there is
            }
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Waits for the command to exit; kills it and fails if it takes longer than {@code timeout}. */
        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill();
                    throw new HindsightException(HindsightException.Kind.FAILED,
                            String.join(" ", command) + " did not finish within " + timeout + " and was killed"
                                    + ":\n" + tail(output(), TAIL_LINES),
                            "the program may be stuck; run it by hand to see where");
                }
                // a grandchild may still hold the pipe (e.g. a daemon); do not wait on it forever
                reader.join(2000);
                return new Result(command, process.exitValue(), output());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new HindsightException(HindsightException.Kind.FAILED,
                        "interrupted while running " + String.join(" ", command), null, e);
            }
        }

        public String output() {
            synchronized (output) {
                return output.toString();
            }
        }

        /** Kills the command and everything it started (runuser's child would outlive runuser otherwise). */
        public void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                kill();
            }
        }
    }
}
