package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hindsight.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds real API answers against docs/openapi.json: the status must be one the operation
 * documents, and a JSON body must match the schema documented for that status.
 */
final class OpenApiResponses {
    static final Path DOCUMENT = Path.of("docs/openapi.json");

    private final JsonNode document;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    OpenApiResponses() throws IOException {
        document = Json.MAPPER.readTree(Files.readString(DOCUMENT));
    }

    JsonNode document() {
        return document;
    }

    /** What is wrong with these answers, one line each; empty when all match the document. */
    List<String> mismatches(List<ApiClientHttp.Exchange> exchanges) {
        List<String> wrong = new ArrayList<>();
        for (ApiClientHttp.Exchange e : exchanges) {
            String where = e.method() + " " + e.path() + " → " + e.status();
            JsonNode operation = operation(e.method(), e.path());
            if (operation == null) {
                wrong.add(where + ": the document has no such operation");
                continue;
            }
            JsonNode response = operation.path("responses").path(String.valueOf(e.status()));
            if (response.isMissingNode()) {
                wrong.add(where + ": the status is not documented for this operation");
                continue;
            }
            JsonNode content = response.path("content");
            if (content.isMissingNode() || content.isEmpty()) {
                if (!e.body().isEmpty()) {
                    wrong.add(where + ": a body where the document has none: " + e.body());
                }
                continue;
            }
            String mediaType = e.contentType().replaceAll(";.*", "").strip();
            JsonNode media = content.path(mediaType);
            if (media.isMissingNode()) {
                wrong.add(where + ": content type " + mediaType + " where the document has " + content.fieldNames()
                        .next());
                continue;
            }
            if (!mediaType.endsWith("json")) {
                continue;
            }
            for (Error error : schema(media.path("schema")).validate(e.json())) {
                wrong.add(where + ": " + error + " in " + e.body());
            }
        }
        return wrong;
    }

    private Schema schema(JsonNode schema) {
        // the document's own components ride along, so that "#/components/schemas/..." resolves
        ObjectNode root = schema.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", document.path("components"));
        return registry.getSchema(root);
    }

    /** The operation whose path template matches this concrete path. */
    private JsonNode operation(String method, String path) {
        var paths = document.path("paths").fields();
        JsonNode best = null;
        while (paths.hasNext()) {
            var entry = paths.next();
            String template = entry.getKey();
            if (path.equals(template)) {
                return entry.getValue().path(method.toLowerCase(java.util.Locale.ROOT));
            }
            if (path.matches(template.replaceAll("\\{[^}]+}", "[^/]+"))) {
                best = entry.getValue().path(method.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return best == null || best.isMissingNode() ? null : best;
    }
}
