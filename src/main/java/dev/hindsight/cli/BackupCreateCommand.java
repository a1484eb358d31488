package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", description = "Take a backup now: full, or a differential (what changed since the last "
        + "full); waits until it is complete unless --no-wait.")
final class BackupCreateCommand extends DaemonCommand {
    @Option(names = "--server", required = true)
    String server;
    @Option(names = "--type", defaultValue = "full", paramLabel = "full|diff",
            description = "full (default), or diff: only the pages changed since the last full backup")
    String type;
    @Option(names = "--no-wait", description = "return at once")
    boolean noWait;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        ApiClient client = client();
        JsonNode op = client.post("/api/v1/servers/" + server + "/backups", java.util.Map.of("type", type));
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
            boolean diff = "DIFF".equals(backup.path("kind").asText());
            out().println((diff ? "Differential backup " : "Full backup ") + backup.path("id").asText() + " "
                    + backup.path("status").asText().toLowerCase() + ": " + backup.path("files").asText() + " files, "
                    + OperationWaiter.bytes(backup.path("logicalBytes").asLong()) + (diff ? " changed since full "
                    + backup.path("baseBackupId").asText() : " of data") + ", "
                    + OperationWaiter.bytes(backup.path("storedBytes").asLong()) + " stored.");
            if (!backup.path("reason").isMissingNode() && !backup.path("reason").isNull()) {
                out().println("Note: " + backup.path("reason").asText());
            }
            out().flush();
        }
        return ExitCodes.OK;
    }
}
