package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List a server's backups, oldest first.")
final class BackupListCommand extends DaemonCommand {
    @Option(names = "--server", required = true)
    String server;
    @Option(names = "--ltr", description = "only backups held by long-term retention")
    boolean ltr;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode all = client().get("/api/v1/servers/" + server + "/backups");
        com.fasterxml.jackson.databind.node.ArrayNode backups = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.arrayNode();
        all.forEach(b -> {
            if (!ltr || b.hasNonNull("ltr")) {
                backups.add(b);
            }
        });
        if (output.json()) {
            OutputOption.printJson(out(), backups);
            return ExitCodes.OK;
        }
        Table table = new Table("ID", "KIND", "BASE", "STATUS", "FROM", "STARTED", "CONSISTENT AT", "FILES", "DATA",
                "STORED", "LTR", "IMMUTABLE UNTIL", "REHEARSAL", "NOTE");
        for (JsonNode b : backups) {
            table.row(b.path("id").asText(), b.path("kind").asText(), b.path("baseBackupId").asText("-"),
                    b.path("status").asText(), b.path("takenFrom").asText("primary"),
                    b.path("startedAt").asText("-"), b.path("consistentAt").asText("-"), b.path("files").asText(),
                    OperationWaiter.bytes(b.path("logicalBytes").asLong()),
                    OperationWaiter.bytes(b.path("storedBytes").asLong()),
                    b.hasNonNull("ltr") ? b.path("ltr").path("kind").asText() + " until " + b.path("ltr").path("until").asText()
                            : "-", b.path("immutableUntil").asText("-"), rehearsal(b.path("verification")),
                    b.path("reason").asText(""));
        }
        table.print(out());
        return ExitCodes.OK;
    }

    /** "VERIFIED 2026-12-07T… (41 s)", or FAILED with its reason; "-" before any rehearsal. */
    private static String rehearsal(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "-";
        }
        String line = v.path("status").asText() + " " + v.path("at").asText() + " (" + v.path("duration").asLong() / 1000
                + " s)";
        return "FAILED".equals(v.path("status").asText()) ? line + ": " + v.path("detail").asText() : line;
    }
}
