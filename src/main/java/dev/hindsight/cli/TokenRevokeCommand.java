package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", description = "Revoke a token: requests with it are refused from now on.")
final class TokenRevokeCommand extends DaemonCommand {
    @Parameters(index = "0", paramLabel = "ID|NAME")
    String token;

    @Override
    public Integer call() {
        JsonNode revoked = client().delete("/api/v1/tokens/" + token);
        out().println("Revoked token " + revoked.path("name").asText() + " (id " + revoked.path("id").asText() + ").");
        out().flush();
        return ExitCodes.OK;
    }
}
