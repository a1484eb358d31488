package dev.hindsight.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.Json;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code --output table|json} for read commands. */
public final class OutputOption {
    enum Format { table, json }

    @Option(names = {"--output", "-o"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE})")
    Format format;

    public boolean json() {
        return format == Format.json;
    }

    public static void printJson(PrintWriter out, JsonNode node) {
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
