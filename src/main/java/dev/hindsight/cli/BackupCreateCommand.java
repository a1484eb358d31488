package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", description = "Take a full backup now; waits until it is complete unless --no-wait.")
final class BackupCreateCommand extends DaemonCommand {
    @Option(names = "--server", required = true)
    String server;
    @Option(names = "--no-wait", description = "return at once")
    boolean noWait;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        ApiClient client = client();
        JsonNode op = client.post("/api/servers/" + server + "/backups", java.util.Map.of());
        if (noWait) {
            if (output.json()) {
                OutputOption.printJson(out(), op);
            } else {
                out().println("Backup started (operation " + op.path("id").asText() + ").");
                out().flush();
            }
            return ExitCodes.OK;
        }
        JsonNode backup = OperationWaiter.await(client, op.path("id").asText(), err());
        if (output.json()) {
            OutputOption.printJson(out(), backup);
        } else {
            out().println("Backup " + backup.path("id").asText() + " " + backup.path("status").asText().toLowerCase()
                    + ": " + backup.path("files").asText() + " files, "
                    + OperationWaiter.bytes(backup.path("logicalBytes").asLong()) + " read, "
                    + OperationWaiter.bytes(backup.path("storedBytes").asLong()) + " stored.");
            out().flush();
        }
        return ExitCodes.OK;
    }
}
