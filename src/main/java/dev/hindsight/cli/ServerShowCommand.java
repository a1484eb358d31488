package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

@Command(name = "show", description = "Show a server: state, settings, restore window, last backup, log capture lag.")
final class ServerShowCommand extends DaemonCommand {
    @Option(names = "--name", required = true)
    String name;
    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        print(out(), client().get("/api/v1/servers/" + name), output);
        return ExitCodes.OK;
    }

    static void print(PrintWriter out, JsonNode server, OutputOption output) {
        if (output.json()) {
            OutputOption.printJson(out, server);
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = server.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            out.printf("%-24s %s%n", f.getKey() + ":", text(f.getValue()));
        }
        out.flush();
    }

    /** A firewall rule and the like: its values in order ("office 203.0.113.0 203.0.113.255"). */
    private static String objectText(JsonNode value) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        value.forEach(v -> parts.add(v.asText()));
        return String.join(" ", parts);
    }

    private static String text(JsonNode value) {
        if (value.isNull()) {
            return "-";
        }
        if (value.isArray()) {
            java.util.List<String> items = new java.util.ArrayList<>();
            value.forEach(v -> items.add(v.isObject() ? objectText(v) : v.asText()));
            return String.join(", ", items);
        }
        return value.isObject() ? value.toString() : value.asText();
    }
}
