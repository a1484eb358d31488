package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rehearse", description = "Rehearse a restore now: the newest backup and its log into a scratch "
        + "server, the engine's integrity check on it, the outcome recorded on the backup (`backup list`), the scratch "
        + "server removed. The daemon does this itself on the server's --rehearsal schedule.")
final class ServerRehearseCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Option(names = "--no-wait", description = "return at once with the operation id")
    boolean noWait;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        ApiClient client = client();
        JsonNode op = client.post("/api/v1/servers/" + name + "/rehearsals", null);
        if (noWait) {
            OutputOption.printJson(out(), op);
            return ExitCodes.OK;
        }
        JsonNode outcome = OperationWaiter.await(client, op.path("id").asText(), err());
        if (output.json()) {
            OutputOption.printJson(out(), outcome);
        } else {
            out().println("Restore rehearsal of " + name + ": " + outcome.path("status").asText() + " in "
                    + outcome.path("duration").asLong() / 1000 + " s: " + outcome.path("detail").asText());
            out().flush();
        }
        return ExitCodes.OK;
    }
}
