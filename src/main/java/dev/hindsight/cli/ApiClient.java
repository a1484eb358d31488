package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.HindsightException;
import dev.hindsight.control.Home;
import dev.hindsight.util.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

/** The CLI's side of the daemon API: finds the daemon through the home, sends the token. */
public final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Home home;
    private final String base;
    private final String token;

    public ApiClient(Home home) {
        this.home = home;
        try {
            if (!Files.exists(home.endpoint()) || !Files.exists(home.token())) {
                throw notRunning(null);
            }
            JsonNode endpoint = Json.MAPPER.readTree(Files.readString(home.endpoint()));
            base = "http://127.0.0.1:" + endpoint.get("port").asInt();
            token = Files.readString(home.token()).strip();
        } catch (IOException e) {
            throw notRunning(e);
        }
    }

    private HindsightException notRunning(Exception cause) {
        return new HindsightException(HindsightException.Kind.UNAVAILABLE,
                "the Hindsight daemon is not running for home " + home.dir(),
                "start it with `hindsight serve` (or scripts/start), with the same --home / HINDSIGHT_HOME", cause);
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public JsonNode post(String path, Object body) {
        return sendJson("POST", path, body);
    }

    public JsonNode patch(String path, Object body) {
        return sendJson("PATCH", path, body);
    }

    public JsonNode put(String path, Object body) {
        return sendJson("PUT", path, body);
    }

    private JsonNode sendJson(String method, String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw notRunning(e);
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                    "cannot reach the Hindsight daemon at " + base + ": " + e.getMessage(),
                    "check that `hindsight serve` is running", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HindsightException(HindsightException.Kind.FAILED, "interrupted", null, e);
        }
        try {
            JsonNode body = response.body().isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw new HindsightException(kindOf(response.statusCode(), body),
                        body.path("error").asText(response.body()),
                        body.hasNonNull("hint") ? body.get("hint").asText() : null);
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HindsightException(HindsightException.Kind.FAILED, "the daemon answered HTTP "
                    + response.statusCode() + ": " + response.body(), null, e);
        }
    }

    private static HindsightException.Kind kindOf(int status, JsonNode body) {
        if (body.hasNonNull("kind")) {
            try {
                return HindsightException.Kind.valueOf(body.get("kind").asText());
            } catch (IllegalArgumentException ignored) {
                // fall through to the status
            }
        }
        return switch (status) {
            case 400 -> HindsightException.Kind.INVALID_INPUT;
            case 401, 403 -> HindsightException.Kind.UNAVAILABLE;
            case 404 -> HindsightException.Kind.NOT_FOUND;
            case 409 -> HindsightException.Kind.CONFLICT;
            default -> HindsightException.Kind.FAILED;
        };
    }
}
