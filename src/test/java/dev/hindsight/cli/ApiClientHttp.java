package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.util.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw HTTP to the daemon's API with a chosen token (or none), as a script would send it; every
 * exchange is kept so a test can hold the answers against the OpenAPI document afterwards.
 */
final class ApiClientHttp {
    record Exchange(String method, String path, int status, String contentType, String body,
                    java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(method + " " + path + " answered " + status + " with no JSON: " + body, e);
            }
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final List<Exchange> exchanges;

    ApiClientHttp(int port, List<Exchange> exchanges) {
        this.base = "http://127.0.0.1:" + port;
        this.exchanges = exchanges;
    }

    ApiClientHttp(int port) {
        this(port, new ArrayList<>());
    }

    List<Exchange> exchanges() {
        return exchanges;
    }

    Exchange send(String token, String method, String path, String body) throws IOException, InterruptedException {
        return send(token, method, path, body, java.util.Map.of());
    }

    Exchange send(String token, String method, String path, String body, java.util.Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // what the server takes the request for: an overridden POST is the PATCH it says it is
        String meant = headers.getOrDefault("X-HTTP-Method-Override", method);
        Exchange exchange = new Exchange(meant, path.replaceAll("\\?.*", ""), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""), response.body(), response.headers());
        exchanges.add(exchange);
        return exchange;
    }

    Exchange get(String token, String path) throws IOException, InterruptedException {
        return send(token, "GET", path, null);
    }

    Exchange post(String token, String path, String body) throws IOException, InterruptedException {
        return send(token, "POST", path, body);
    }
}
