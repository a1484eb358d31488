package dev.hindsight.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "delete", description = "Stop and remove a server from this host; its backups stay in the repository.")
final class ServerDeleteCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;

    @Override
    public Integer call() {
        client().delete("/api/v1/servers/" + name);
        out().println("Deleted server " + name + "; its backups stay in the repository.");
        out().flush();
        return ExitCodes.OK;
    }
}
