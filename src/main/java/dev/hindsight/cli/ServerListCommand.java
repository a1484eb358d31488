package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List the servers on this host (--deleted: the deleted servers whose backups "
        + "are still kept).")
final class ServerListCommand extends DaemonCommand {
    @Mixin
    OutputOption output;
    @Option(names = "--deleted", description = "list the deleted servers, restorable with `server restore --deleted`")
    boolean deleted;

    @Override
    public Integer call() {
        if (deleted) {
            return listDeleted();
        }
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

    private int listDeleted() {
        JsonNode servers = client().get("/api/v1/deleted-servers");
        if (output.json()) {
            OutputOption.printJson(out(), servers);
            return ExitCodes.OK;
        }
        Table table = new Table("NAME", "ENGINE", "DELETED AT", "FINAL LOG", "EARLIEST RESTORE POINT",
                "LATEST RESTORE POINT", "KEPT UNTIL");
        for (JsonNode s : servers) {
            table.row(s.path("name").asText(), s.path("engine").asText(), s.path("deletedAt").asText(),
                    s.path("finalLogBackup").asBoolean() ? "yes" : "no", s.path("earliestRestorePoint").asText("-"),
                    s.path("latestRestorePoint").asText("-"), s.path("windowEndsAt").asText());
        }
        table.print(out());
        return ExitCodes.OK;
    }
}
