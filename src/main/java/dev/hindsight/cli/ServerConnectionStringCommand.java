package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "show-connection-string", description = "Print a connection URI with the admin login (psql accepts it as is).")
final class ServerConnectionStringCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode answer = client().get("/api/servers/" + name + "/connection-string");
        if (output.json()) {
            OutputOption.printJson(out(), answer);
        } else {
            out().println(answer.path("connectionString").asText());
            out().flush();
        }
        return ExitCodes.OK;
    }
}
