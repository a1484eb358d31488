package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List a server's backups, oldest first.")
final class BackupListCommand extends DaemonCommand {
    @Option(names = "--server", required = true)
    String server;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode backups = client().get("/api/servers/" + server + "/backups");
        if (output.json()) {
            OutputOption.printJson(out(), backups);
            return ExitCodes.OK;
        }
        Table table = new Table("ID", "KIND", "STATUS", "STARTED", "CONSISTENT AT", "FILES", "READ", "STORED", "NOTE");
        for (JsonNode b : backups) {
            table.row(b.path("id").asText(), b.path("kind").asText(), b.path("status").asText(),
                    b.path("startedAt").asText("-"), b.path("consistentAt").asText("-"), b.path("files").asText(),
                    OperationWaiter.bytes(b.path("logicalBytes").asLong()),
                    OperationWaiter.bytes(b.path("storedBytes").asLong()), b.path("reason").asText(""));
        }
        table.print(out());
        return ExitCodes.OK;
    }
}
