package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.engine.ConnectionFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "show-connection-string", description = "Print the admin login as a URI (psql and the MySQL-ecosystem"
        + " tools accept it as is), a JDBC URL, or a client command line.")
final class ServerConnectionStringCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Option(names = "--format", defaultValue = "uri", description = "uri (default), jdbc, or cli")
    String format;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode answer = client().get("/api/v1/servers/" + name + "/connection-string?format="
                + ConnectionFormat.parse(format).name().toLowerCase(java.util.Locale.ROOT));
        if (output.json()) {
            OutputOption.printJson(out(), answer);
        } else {
            out().println(answer.path("connectionString").asText());
            out().flush();
        }
        return ExitCodes.OK;
    }
}
