package dev.hindsight.cli;

import dev.hindsight.util.HindsightException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code hindsight} command line; its commands are in {@link CommandTree}. */
// INHERIT: --help and --version on every command, as the parameter errors' hint promises
@Command(name = "hindsight", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "hindsight 0.1",
        description = "Automated backups and point-in-time restore for PostgreSQL.")
public final class Main {
    public static void main(String[] args) {
        // the Azure SDK sets Content-Length itself; without this the JDK's HTTP client drops it with a warning a request
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs one command with its output going to the given writers (tests read them). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = CommandTree.commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof HindsightException h) {
                commandLine.getErr().println("error: " + h.getMessage());
                if (h.hint() != null) {
                    commandLine.getErr().println("hint: " + h.hint());
                }
                return ExitCodes.of(h.kind());
            }
            commandLine.getErr().println("error: " + e);
            return ExitCodes.FAILED;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("hint: see `" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help`");
            return ExitCodes.INVALID;
        });
        return cli.execute(args);
    }
}
