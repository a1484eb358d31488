package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", description = "Read every object in every copy (each site copy of the primary region and "
        + "the geo copy) and decode it whole; repair damaged or missing copies from a good one. Exit code 0 when "
        + "everything is whole or was repaired, " + ExitCodes.CORRUPT + " otherwise.")
final class RepositoryVerifyCommand extends DaemonCommand {
    @Option(names = "--server", description = "only this server's objects (default: the whole repository)")
    String server;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        ApiClient client = client();
        JsonNode op = client.post("/api/v1/repository/verify" + (server == null ? "" : "?server="
                + java.net.URLEncoder.encode(server, java.nio.charset.StandardCharsets.UTF_8)), null);
        JsonNode report = OperationWaiter.await(client, op.path("id").asText(), err());
        boolean healthy = report.path("healthy").asBoolean();
        if (output.json()) {
            OutputOption.printJson(out(), report);
        } else {
            Table copies = new Table("COPY", "REGION", "ROLE", "OBJECTS", "BYTES", "DAMAGED", "MISSING", "REPAIRED",
                    "NOT-YET-COPIED", "ERROR");
            for (JsonNode c : report.path("copies")) {
                copies.row(c.path("copy").asText(), c.path("region").asText(), c.path("role").asText(),
                        c.path("objects").asText(), c.path("bytes").asText(), c.path("damaged").asText(),
                        c.path("missing").asText(), c.path("repaired").asText(), c.path("notYetCopied").asText(),
                        c.path("error").isNull() || c.path("error").isMissingNode() ? "-" : c.path("error").asText());
            }
            copies.print(out());
            for (JsonNode k : report.path("keys")) {
                out().println("Data key " + k.path("keyId").asText() + (k.path("current").asBoolean()
                        ? " (current: seals new objects)" : "") + ": " + k.path("objects").asText() + " objects");
            }
            for (JsonNode f : report.path("findings")) {
                out().println(f.path("copy").asText() + " " + f.path("key").asText() + ": " + f.path("problem").asText()
                        + " -> " + f.path("action").asText());
            }
            out().println("Verified " + report.path("scope").asText() + ": "
                    + (healthy ? "every copy is whole" + (report.path("findings").isEmpty() ? "" : " (after repairs)")
                    : "problems remain (see above)") + ".");
            out().flush();
        }
        return healthy ? ExitCodes.OK : ExitCodes.CORRUPT;
    }
}
