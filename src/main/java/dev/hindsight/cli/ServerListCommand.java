package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "List the servers on this host.")
final class ServerListCommand extends DaemonCommand {
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode servers = client().get("/api/v1/servers");
        if (output.json()) {
            OutputOption.printJson(out(), servers);
            return ExitCodes.OK;
        }
        Table table = new Table("NAME", "ENGINE", "VERSION", "TIER", "STATE", "PORT", "RETENTION", "EARLIEST RESTORE POINT",
                "LATEST RESTORE POINT");
        for (JsonNode s : servers) {
            table.row(s.path("name").asText(), s.path("engine").asText(), s.path("version").asText(""),
                    s.path("tier").asText("-"), s.path("state").asText(), s.path("port").asText(), s.path("backupRetentionDays").asText() + "d",
                    s.path("earliestRestorePoint").asText("-"), s.path("latestRestorePoint").asText("-"));
        }
        table.print(out());
        return ExitCodes.OK;
    }
}
