package dev.hindsight.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "show-connection-string", description = "Print a connection URI with the admin login.")
final class ServerConnectionStringCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;

    @Override
    public Integer call() {
        out().println(client().get("/api/servers/" + name + "/connection-string").path("connectionString").asText());
        out().flush();
        return ExitCodes.OK;
    }
}
