package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

@Command(name = "console-url", description = "Print a one-time link that signs the web console in (it works once, "
        + "within 5 minutes; the console's session then lasts 12 hours, in that browser tab only).")
final class ConsoleUrlCommand extends DaemonCommand {
    @Option(names = "--role", description = "reader, operator or admin, at most your token's role (default: it)")
    String role;
    @Option(names = "--base-url", paramLabel = "URL", description = "the console's address as the browser reaches it, "
            + "e.g. https://backup.example.com:8443 when the daemon listens with --listen (default: this host's "
            + "loopback address)")
    String baseUrl;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Map<String, Object> body = new HashMap<>();
        body.put("role", role);
        ApiClient client = client();
        JsonNode link = client.post("/api/v1/console-links", body);
        // after '#': the code stays in the browser, out of request lines, proxies' logs and Referer headers
        String url = (baseUrl == null ? client.base() : baseUrl.replaceAll("/+$", "")) + "/#/link/"
                + link.path("code").asText();
        if (output.json()) {
            OutputOption.printJson(out(), dev.hindsight.util.Json.MAPPER.valueToTree(Map.of("url", url,
                    "role", link.path("role").asText(), "expiresAt", link.path("expiresAt").asText())));
            return ExitCodes.OK;
        }
        out().println(url);
        out().println("Signs in as " + link.path("role").asText() + "; works once, until "
                + link.path("expiresAt").asText() + ".");
        out().flush();
        return ExitCodes.OK;
    }
}
