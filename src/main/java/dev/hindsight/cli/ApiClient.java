package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.api.ApiServer;
import dev.hindsight.control.Home;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The CLI's side of the daemon API: finds the daemon through the home, sends the token. Plain
 * {@link HttpURLConnection} to the loopback port: java.net.http's client costs a CLI call half a
 * second of start-up (its TLS context and selector thread) for a connection that never uses TLS.
 */
public final class ApiClient {
    /** A token to use instead of the home's admin token (e.g. a reader's or an operator's). */
    public static final String TOKEN_ENV = "HINDSIGHT_TOKEN";
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 30 * 60_000;

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
            String given = System.getenv(TOKEN_ENV);
            token = given != null && !given.isBlank() ? given.strip() : Files.readString(home.token()).strip();
        } catch (IOException e) {
            throw notRunning(e);
        }
    }

    private HindsightException notRunning(Exception cause) {
        return new HindsightException(HindsightException.Kind.UNAVAILABLE,
                "the Hindsight daemon is not running for home " + home.dir(),
                "start it with `hindsight serve` (or scripts/start), with the same --home / HINDSIGHT_HOME", cause);
    }

    /** Where the daemon answers on this host: its loopback address. */
    public String base() {
        return base;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, Object body) {
        int status;
        String text;
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setReadTimeout(READ_TIMEOUT_MS);
            http.setRequestProperty("Authorization", "Bearer " + token);
            if ("PATCH".equals(method)) { // HttpURLConnection knows no PATCH
                http.setRequestMethod("POST");
                http.setRequestProperty(ApiServer.METHOD_OVERRIDE, "PATCH");
            } else {
                http.setRequestMethod(method);
            }
            if (body != null) {
                byte[] json = Json.MAPPER.writeValueAsBytes(body);
                http.setDoOutput(true);
                http.setRequestProperty("Content-Type", "application/json");
                http.setFixedLengthStreamingMode(json.length);
                try (OutputStream out = http.getOutputStream()) {
                    out.write(json);
                }
            }
            status = http.getResponseCode();
            try (InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream()) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (ConnectException e) {
            throw notRunning(e);
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                    "cannot reach the Hindsight daemon at " + base + ": " + e.getMessage(),
                    "check that `hindsight serve` is running", e);
        }
        try {
            JsonNode answer = text.isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(text);
            if (status == 401 && text.isBlank()) {
                // HttpURLConnection drops the body of a 401 to a request that streamed one
                throw new HindsightException(HindsightException.Kind.UNAUTHENTICATED,
                        "the daemon at " + base + " did not accept this client's token",
                        "run the CLI with the same --home / HINDSIGHT_HOME as `hindsight serve`, or set "
                                + TOKEN_ENV + " to a valid token");
            }
            if (status >= 400) {
                throw new HindsightException(kindOf(status, answer), answer.path("detail").asText(text),
                        answer.hasNonNull("hint") ? answer.get("hint").asText() : null);
            }
            return answer;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HindsightException(HindsightException.Kind.FAILED, "the daemon answered HTTP " + status + ": "
                    + text, null, e);
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
            case 401 -> HindsightException.Kind.UNAUTHENTICATED;
            case 403 -> HindsightException.Kind.FORBIDDEN;
            case 404 -> HindsightException.Kind.NOT_FOUND;
            case 409 -> HindsightException.Kind.CONFLICT;
            default -> HindsightException.Kind.FAILED;
        };
    }
}
