package dev.hindsight.api;

import dev.hindsight.control.BackupService;
import dev.hindsight.control.BackupType;
import dev.hindsight.control.ControlPlane;
import dev.hindsight.control.CreateRequest;
import dev.hindsight.control.Operation;
import dev.hindsight.control.Operations;
import dev.hindsight.control.RestoreRequestBody;
import dev.hindsight.control.RestoreService;
import dev.hindsight.control.ServerService;
import dev.hindsight.control.ServerViews;
import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The daemon's HTTP API, on 127.0.0.1 only. Every request under /api must carry the token from
 * the home directory ({@code Authorization: Bearer …}); others get 401.
 */
public final class ApiServer implements AutoCloseable {
    /** A POST with this header set to PATCH is a PATCH (for clients whose HTTP has no PATCH). */
    public static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;

    public ApiServer(ControlPlane control, Metrics metrics, String token, int port) {
        ServerService servers = control.servers();
        ServerViews views = control.views();
        BackupService backups = control.backups();
        RestoreService restores = control.restores();
        Operations operations = control.operations();
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        app = Javalin.create(config -> {
            config.jetty.host = "127.0.0.1";
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.routes.before("/api/*", ctx -> {
                String given = ctx.header("Authorization");
                if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                    throw new UnauthorizedResponse("missing or wrong token");
                }
            });
            // clients without PATCH (the CLI's HttpURLConnection) send it as a POST that says so
            config.routes.before("/api/servers/{name}", ctx -> {
                if (ctx.method() == HandlerType.POST && "PATCH".equalsIgnoreCase(ctx.header(METHOD_OVERRIDE))) {
                    update(ctx, servers);
                    ctx.skipRemainingHandlers();
                }
            });
            config.routes.get("/api/servers", ctx -> ctx.json(views.list()));
            config.routes.post("/api/servers", ctx -> ctx.status(201).json(servers.create(body(ctx, CreateRequest.class))));
            config.routes.post("/api/servers/attach", ctx -> ctx.status(201).json(servers.attach(
                    body(ctx, dev.hindsight.control.AttachRequest.class))));
            config.routes.get("/api/servers/{name}", ctx -> ctx.json(views.show(ctx.pathParam("name"))));
            config.routes.patch("/api/servers/{name}", ctx -> update(ctx, servers));
            config.routes.delete("/api/servers/{name}", ctx -> {
                servers.delete(ctx.pathParam("name"));
                ctx.status(204);
            });
            config.routes.get("/api/servers/{name}/connection-string", ctx -> ctx.json(
                    Map.of("connectionString", views.connectionString(ctx.pathParam("name"),
                            ConnectionFormat.parse(ctx.queryParam("format"))))));
            config.routes.put("/api/servers/{name}/ltr", ctx -> ctx.json(control.retention().setLtr(ctx.pathParam("name"),
                    body(ctx, dev.hindsight.control.LtrRequest.class).toPolicy())));
            config.routes.get("/api/servers/{name}/usage", ctx -> ctx.json(control.usage().usage(ctx.pathParam("name"))));
            config.routes.get("/api/servers/{name}/backups", ctx -> ctx.json(backups.list(ctx.pathParam("name"))));
            config.routes.post("/api/servers/{name}/backups", ctx -> ctx.status(202).json(
                    backups.start(ctx.pathParam("name"), BackupType.parse(ctx.body().isBlank() ? null
                            : body(ctx, BackupType.Body.class).type()))));
            config.routes.post("/api/restores", ctx -> restore(ctx, operations, "restore", restores::check,
                    restores::restore));
            config.routes.post("/api/geo-restores", ctx -> restore(ctx, operations, "geo-restore", restores::checkGeo,
                    restores::geoRestore));
            config.routes.post("/api/storage/reload", ctx -> ctx.json(control.storage().reload().sites().stream()
                    .map(dev.hindsight.storage.SiteConfig::redacted).toList()));
            config.routes.post("/api/repository/verify", ctx -> {
                String server = ctx.queryParam("server");
                var record = server == null ? null : control.lookup().live(server);
                Operation op = operations.submit("verify", server == null ? "repository" : server,
                        progress -> control.verifier().verify(record, progress));
                ctx.status(202).json(op);
            });
            // for Prometheus: no token, like the daemon itself it answers on 127.0.0.1 only
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            config.routes.get("/api/operations/{id}", ctx -> ctx.json(control.db().operation(ctx.pathParam("id"))
                    .orElseThrow(() -> HindsightException.notFound("no operation " + ctx.pathParam("id"), null))));
            config.routes.exception(HindsightException.class, (e, ctx) -> error(ctx, statusOf(e), e.getMessage(),
                    e.hint(), e.kind().name()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, String.valueOf(e.getMessage()), "see the daemon's log for details", "FAILED");
            });
        });
    }

    @FunctionalInterface
    private interface RestoreStep<T> {
        T run(RestoreRequestBody request, dev.hindsight.util.Progress progress) throws java.io.IOException;
    }

    @FunctionalInterface
    private interface RestoreCheck {
        void check(RestoreRequestBody request) throws java.io.IOException;
    }

    /** Checks the request at once (a bad one changes nothing), then restores as an operation the CLI follows. */
    private static void restore(Context ctx, Operations operations, String kind, RestoreCheck check,
                                RestoreStep<?> restore) throws java.io.IOException {
        RestoreRequestBody request = body(ctx, RestoreRequestBody.class);
        check.check(request);
        Operation op = operations.submit(kind, request.name(), progress -> restore.run(request, progress));
        ctx.status(202).json(op);
    }

    private static void update(Context ctx, ServerService servers) throws java.io.IOException {
        ctx.json(servers.update(ctx.pathParam("name"), body(ctx, dev.hindsight.control.UpdateRequest.class)));
    }

    private static <T> T body(Context ctx, Class<T> type) {
        return parse(ctx.body(), type);
    }

    /** A request body as the type it should be; anything else is an INVALID_INPUT error that says what is wrong. */
    static <T> T parse(String body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (Exception e) {
            throw HindsightException.invalid("malformed request body: " + e.getMessage().lines().findFirst().orElse(""),
                    "send a JSON object with the documented fields");
        }
    }

    private static void error(Context ctx, int status, String message, String hint, String kind) {
        ctx.status(status).json(errorBody(message, hint, kind));
    }

    /** The body of every error answer: what is wrong, what would be right, and the kind of error. */
    static Map<String, Object> errorBody(String message, String hint, String kind) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error", message);
        body.put("hint", hint);
        body.put("kind", kind);
        return body;
    }

    static int statusOf(HindsightException e) {
        return switch (e.kind()) {
            case INVALID_INPUT -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNAVAILABLE -> 503;
            case CORRUPT, FAILED -> 500;
        };
    }

    public ApiServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
