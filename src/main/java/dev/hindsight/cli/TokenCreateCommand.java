package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "create", description = "Make a token with a role; its secret is shown this once and stored only as a hash.")
final class TokenCreateCommand extends DaemonCommand {
    @Option(names = "--name", required = true, description = "1-40 characters: a-z, 0-9, -")
    String name;
    @Option(names = "--role", required = true, description = "reader (sees), operator (+ backups, restores, verify) "
            + "or admin (+ servers, storage, tokens, audit)")
    String role;
    @Option(names = "--expires", paramLabel = "LIFETIME", description = "e.g. 30d or 12h (default: never)")
    String expires;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        body.put("expiresIn", expires);
        JsonNode issued = client().post("/api/v1/tokens", body);
        if (output.json()) {
            OutputOption.printJson(out(), issued);
            return ExitCodes.OK;
        }
        JsonNode token = issued.path("token");
        out().println("Token " + token.path("name").asText() + " (" + token.path("role").asText() + ", id "
                + token.path("id").asText() + ", " + (token.hasNonNull("expiresAt")
                ? "expires " + token.path("expiresAt").asText() : "does not expire") + "):");
        out().println(issued.path("secret").asText());
        out().println("Keep it now: it is not shown again. Use it as 'Authorization: Bearer <token>' or in "
                + ApiClient.TOKEN_ENV + ".");
        out().flush();
        return ExitCodes.OK;
    }
}
