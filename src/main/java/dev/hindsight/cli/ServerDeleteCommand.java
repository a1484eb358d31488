package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete", description = "Take a final log backup, then stop and remove a server from this host; its "
        + "backups stay in the repository for its retention period (restore it with `server restore --deleted`).")
final class ServerDeleteCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Option(names = "--force", description = "delete even if the final log backup cannot be taken (storage or server "
            + "down); the output says from when commits may be missing")
    boolean force;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode deleted = client().delete("/api/v1/servers/" + name + (force ? "?force=true" : ""));
        if (output.json()) {
            OutputOption.printJson(out(), deleted);
            return ExitCodes.OK;
        }
        out().println("Deleted server " + name + " at " + deleted.path("deletedAt").asText() + "; "
                + deleted.path("note").asText() + ".");
        out().println("Its backups stay for its retention period: `hindsight server show-deleted --name " + name
                + "`, `hindsight server restore --source-server " + name + " --deleted …`.");
        out().flush();
        return ExitCodes.OK;
    }
}
