package dev.hindsight.api;

import dev.hindsight.control.AttachRequest;
import dev.hindsight.control.BackupType;
import dev.hindsight.control.ControlPlane;
import dev.hindsight.control.CreateRequest;
import dev.hindsight.control.IssuedToken;
import dev.hindsight.control.LtrRequest;
import dev.hindsight.control.Operation;
import dev.hindsight.control.ExportRequestBody;
import dev.hindsight.control.RestoreRequestBody;
import dev.hindsight.control.Role;
import dev.hindsight.control.UpdateRequest;
import dev.hindsight.engine.ConnectionFormat;
import dev.hindsight.storage.SiteConfig;
import dev.hindsight.storage.StorageEdit;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Progress;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Every route of {@code /api/v1}, what it needs of the caller's token, and what it does: the one
 * table the server registers and the OpenAPI test holds against docs/openapi.json.
 */
final class ApiRoutes {
    static final String BASE = "/api/v1";
    static final String TARGET = "hindsight.target";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MOST = 500;

    record Route(HandlerType method, String path, Needs needs, Handler handler) {
    }

    private ApiRoutes() {
    }

    static List<Route> all(ControlPlane control, Metrics metrics, OpenApiDocument document) {
        var servers = control.servers();
        var views = control.views();
        var operations = control.operations();
        return List.of(
                get("/openapi.json", Needs.NOTHING, ctx -> ctx.contentType("application/json").result(document.json())),
                get("/whoami", Needs.READER, ctx -> ctx.json(Map.of("name", Access.actor(ctx),
                        "role", Access.role(ctx).text()))),
                get("/servers", Needs.READER, ctx -> ctx.json(views.list())),
                post("/servers", Needs.ADMIN, ctx -> {
                    CreateRequest request = body(ctx, CreateRequest.class);
                    ctx.attribute(TARGET, request.name());
                    ctx.status(202).json(servers.startCreate(request, Access.actor(ctx)));
                }),
                post("/servers/attach", Needs.ADMIN, ctx -> {
                    AttachRequest request = body(ctx, AttachRequest.class);
                    ctx.attribute(TARGET, request.name());
                    ctx.status(201).json(servers.attach(request));
                }),
                get("/servers/{name}", Needs.READER, ctx -> ctx.json(views.show(name(ctx)))),
                route(HandlerType.PATCH, "/servers/{name}", Needs.ADMIN, ctx -> ctx.json(servers.update(name(ctx),
                        body(ctx, UpdateRequest.class)))),
                route(HandlerType.DELETE, "/servers/{name}", Needs.ADMIN, ctx -> ctx.json(servers.delete(name(ctx),
                        flag(ctx, "force")))),
                get("/deleted-servers", Needs.READER, ctx -> ctx.json(control.deletedServers().list())),
                get("/deleted-servers/{name}", Needs.READER, ctx -> ctx.json(control.deletedServers().show(name(ctx),
                        instantParam(ctx, "deletedAt")))),
                get("/servers/{name}/connection-string", Needs.READER, ctx -> ctx.json(Map.of("connectionString",
                        views.connectionString(name(ctx), ConnectionFormat.parse(ctx.queryParam("format")))))),
                route(HandlerType.PUT, "/servers/{name}/ltr", Needs.ADMIN, ctx -> ctx.json(control.retention()
                        .setLtr(name(ctx), body(ctx, LtrRequest.class).toPolicy()))),
                get("/servers/{name}/firewall-rules", Needs.READER, ctx -> ctx.json(control.firewall()
                        .list(name(ctx)))),
                route(HandlerType.PUT, "/servers/{name}/firewall-rules/{rule}", Needs.ADMIN, ctx -> {
                    FirewallRuleRequest rule = body(ctx, FirewallRuleRequest.class);
                    ctx.json(control.firewall().create(name(ctx), ctx.pathParam("rule"), rule.startIp(), rule.endIp()));
                }),
                route(HandlerType.DELETE, "/servers/{name}/firewall-rules/{rule}", Needs.ADMIN, ctx -> ctx.json(
                        control.firewall().delete(name(ctx), ctx.pathParam("rule")))),
                post("/servers/{name}/rehearsals", Needs.OPERATOR, ctx -> ctx.status(202).json(control.rehearsals()
                        .start(name(ctx), Access.actor(ctx)))),
                get("/servers/{name}/locks", Needs.READER, ctx -> ctx.json(control.locks().list(name(ctx)))),
                route(HandlerType.PUT, "/servers/{name}/locks/{lock}", Needs.ADMIN, ctx -> {
                    LockRequest lock = body(ctx, LockRequest.class);
                    ctx.status(201).json(control.locks().create(name(ctx), ctx.pathParam("lock"), lock.type(),
                            lock.notes(), Access.actor(ctx)));
                }),
                route(HandlerType.DELETE, "/servers/{name}/locks/{lock}", Needs.ADMIN, ctx -> ctx.json(
                        control.locks().delete(name(ctx), ctx.pathParam("lock")))),
                get("/servers/{name}/usage", Needs.READER, ctx -> ctx.json(control.usage().usage(name(ctx)))),
                get("/servers/{name}/usage/history", Needs.READER,
                        ctx -> ctx.json(control.usage().history(name(ctx), historyDays(ctx)))),
                get("/servers/{name}/backups", Needs.READER, ctx -> ctx.json(control.backups().list(name(ctx)))),
                post("/servers/{name}/backups", Needs.OPERATOR, ctx -> ctx.status(202).json(control.backups()
                        .start(name(ctx), BackupType.parse(ctx.body().isBlank() ? null
                                : body(ctx, BackupType.Body.class).type()), Access.actor(ctx)))),
                post("/servers/{name}/replica", Needs.ADMIN, ctx -> {
                    control.replicas().check(name(ctx));
                    ctx.status(202).json(control.operations().submit("replica", name(ctx), Access.actor(ctx),
                            (Progress progress) -> control.replicas().create(name(ctx))));
                }),
                route(HandlerType.DELETE, "/servers/{name}/replica", Needs.ADMIN, ctx -> {
                    control.replicas().delete(name(ctx));
                    ctx.status(204);
                }),
                post("/servers/{name}/exports", Needs.ADMIN, ctx -> {
                    // decrypted data leaves the repository's protection: an administrator's call
                    ExportRequestBody request = body(ctx, ExportRequestBody.class);
                    control.exports().check(name(ctx), request);
                    ctx.status(202).json(control.operations().submit("export", name(ctx), Access.actor(ctx),
                            (Progress progress) -> control.exports().export(name(ctx), request, progress)));
                }),
                post("/restores", Needs.OPERATOR, ctx -> restore(ctx, control, "restore", false)),
                post("/geo-restores", Needs.OPERATOR, ctx -> restore(ctx, control, "geo-restore", true)),
                get("/storage", Needs.READER, ctx -> ctx.json(control.storage().config().redacted())),
                post("/storage/sites", Needs.ADMIN, ctx -> {
                    SiteConfig site = body(ctx, SiteConfig.class);
                    ctx.attribute(TARGET, site.name());
                    ctx.status(201).json(control.storage().edit(StorageEdit.addSite(site)).redacted());
                }),
                route(HandlerType.PUT, "/storage/regions", Needs.ADMIN, ctx -> {
                    RegionsRequest regions = body(ctx, RegionsRequest.class);
                    ctx.attribute(TARGET, regions.primary());
                    ctx.json(control.storage().edit(StorageEdit.pairRegions(regions.primary(), regions.paired()))
                            .redacted());
                }),
                route(HandlerType.PUT, "/storage/policy", Needs.ADMIN, ctx -> {
                    PolicyRequest policy = body(ctx, PolicyRequest.class);
                    if (policy.allowedRedundancy() == null) {
                        throw HindsightException.invalid("allowedRedundancy is missing",
                                "give a list of local, zone, geo, geo-zone");
                    }
                    ctx.json(control.storage().edit(StorageEdit.allow(policy.allowedRedundancy())).redacted());
                }),
                post("/storage/reload", Needs.ADMIN, ctx -> ctx.json(control.storage().reload().redacted())),
                post("/repository/verify", Needs.OPERATOR, ctx -> {
                    String server = ctx.queryParam("server");
                    var record = server == null ? null : control.lookup().live(server);
                    ctx.attribute(TARGET, server == null ? "repository" : server);
                    ctx.status(202).json(operations.submit("verify", server == null ? "repository" : server,
                            Access.actor(ctx), progress -> control.verifier().verify(record, progress)));
                }),
                post("/repository/keys", Needs.ADMIN, ctx -> ctx.status(201).json(control.keys().rotate())),
                post("/repository/passphrase", Needs.ADMIN, ctx -> {
                    PassphraseRequest request = body(ctx, PassphraseRequest.class);
                    ctx.json(control.keys().changePassphrase(request.current() == null ? null
                            : request.current().toCharArray(), request.next() == null ? null
                            : request.next().toCharArray()));
                }),
                get("/events", Needs.READER, new io.javalin.http.sse.SseHandler(client -> ActivityStream.open(client,
                        control.activity(), control.tokens()))),
                get("/operations", Needs.READER, ctx -> ctx.json(control.db().recentOperations(limit(ctx)))),
                get("/operations/{id}", Needs.READER, ctx -> ctx.json(control.db().operation(ctx.pathParam("id"))
                        .orElseThrow(() -> HindsightException.notFound("no operation " + ctx.pathParam("id"),
                                "list recent ones with GET " + BASE + "/operations")))),
                get("/tokens", Needs.ADMIN, ctx -> ctx.json(control.tokens().list())),
                post("/tokens", Needs.ADMIN, ctx -> {
                    TokenRequest request = body(ctx, TokenRequest.class);
                    ctx.attribute(TARGET, request.name());
                    IssuedToken issued = control.tokens().create(request.name(), request.role() == null ? null
                            : Role.parse(request.role()), request.expiresIn());
                    ctx.status(201).json(issued);
                }),
                route(HandlerType.DELETE, "/tokens/{id}", Needs.ADMIN, ctx -> {
                    ctx.attribute(TARGET, ctx.pathParam("id"));
                    ctx.json(control.tokens().revoke(ctx.pathParam("id")));
                }),
                post("/console-links", Needs.READER, ctx -> {
                    ConsoleLinkRequest request = ctx.body().isBlank() ? new ConsoleLinkRequest(null)
                            : body(ctx, ConsoleLinkRequest.class);
                    ctx.status(201).json(control.consoleLinks().issue(request.role() == null ? null
                            : Role.parse(request.role()), ctx.attribute(Access.TOKEN)));
                }),
                post("/console-links/redeem", Needs.NOTHING, ctx -> {
                    IssuedToken issued = control.consoleLinks().redeem(body(ctx, ConsoleLinkRedeem.class).code());
                    ctx.attribute(TARGET, issued.token().name());
                    ctx.json(issued);
                }),
                get("/audit", Needs.ADMIN, ctx -> ctx.json(control.audit().recent(limit(ctx)))),
                new Route(HandlerType.GET, "/metrics", Needs.READER, ctx -> ctx
                        .contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape())));
    }

    private static Route get(String path, Needs needs, Handler handler) {
        return route(HandlerType.GET, path, needs, handler);
    }

    private static Route post(String path, Needs needs, Handler handler) {
        return route(HandlerType.POST, path, needs, handler);
    }

    private static Route route(HandlerType method, String path, Needs needs, Handler handler) {
        return new Route(method, BASE + path, needs, handler);
    }

    private static String name(Context ctx) {
        return ctx.pathParam("name");
    }

    /** Checks the request at once (a bad one changes nothing), then restores as an operation to poll. */
    private static void restore(Context ctx, ControlPlane control, String kind, boolean geo) throws IOException {
        RestoreRequestBody request = body(ctx, RestoreRequestBody.class);
        ctx.attribute(TARGET, request.name());
        var restores = control.restores();
        if (geo) {
            restores.checkGeo(request);
        } else {
            restores.check(request);
        }
        Operation op = control.operations().submit(kind, request.name(), Access.actor(ctx), (Progress progress) ->
                geo ? restores.geoRestore(request, progress) : restores.restore(request, progress));
        ctx.status(202).json(op);
    }

    /** How far back the storage history goes: ?days=, 1 to 3660 (ten years of LTR), 35 (the longest window) if absent. */
    private static java.time.Duration historyDays(Context ctx) {
        String given = ctx.queryParam("days");
        if (given == null) {
            return java.time.Duration.ofDays(35);
        }
        try {
            int n = Integer.parseInt(given);
            if (n >= 1 && n <= 3660) {
                return java.time.Duration.ofDays(n);
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw HindsightException.invalid("days=" + given + " is not a number of days from 1 to 3660",
                "leave it out for the last 35 days");
    }

    /** An optional ISO-8601 instant query parameter. */
    private static java.time.Instant instantParam(Context ctx, String name) {
        String given = ctx.queryParam(name);
        if (given == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(given);
        } catch (java.time.format.DateTimeParseException e) {
            throw HindsightException.invalid(name + "=" + given + " is not an ISO-8601 instant",
                    "give it as `hindsight server list --deleted` prints it, e.g. 2026-12-07T10:15:30.123Z");
        }
    }

    /** A yes/no query parameter: absent or "false" is no, "true" yes, anything else a 400. */
    private static boolean flag(Context ctx, String name) {
        String given = ctx.queryParam(name);
        if (given == null || given.equals("false")) {
            return false;
        }
        if (given.equals("true")) {
            return true;
        }
        throw HindsightException.invalid(name + "=" + given + " is neither true nor false", "give ?" + name + "=true");
    }

    private static int limit(Context ctx) {
        String given = ctx.queryParam("limit");
        if (given == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(given);
            if (n >= 1 && n <= MOST) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw HindsightException.invalid("limit '" + given + "' is not valid", "give a whole number from 1 to " + MOST);
    }

    private static <T> T body(Context ctx, Class<T> type) {
        return RequestBodies.parse(ctx.body(), type);
    }
}
