package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "List the tokens, revoked and expired ones too (never their secrets).")
final class TokenListCommand extends DaemonCommand {
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode tokens = client().get("/api/v1/tokens");
        if (output.json()) {
            OutputOption.printJson(out(), tokens);
            return ExitCodes.OK;
        }
        Table table = new Table("ID", "NAME", "ROLE", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        for (JsonNode t : tokens) {
            table.row(t.path("id").asText(), t.path("name").asText(), t.path("role").asText(),
                    t.path("createdAt").asText(), t.path("expiresAt").asText("-"), t.path("revokedAt").asText("-"),
                    t.path("lastUsedAt").asText("-"));
        }
        table.print(out());
        return ExitCodes.OK;
    }
}
