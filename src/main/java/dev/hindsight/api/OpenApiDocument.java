package dev.hindsight.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The API's OpenAPI 3.1 document (docs/openapi.json, packed into the jar), served as it is. */
final class OpenApiDocument {
    static final String RESOURCE = "/dev/hindsight/api/openapi.json";

    private final String json;

    private OpenApiDocument(String json) {
        this.json = json;
    }

    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + RESOURCE + " (docs/openapi.json): a broken build");
            }
            return new OpenApiDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String json() {
        return json;
    }
}
