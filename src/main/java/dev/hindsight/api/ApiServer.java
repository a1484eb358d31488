package dev.hindsight.api;

import dev.hindsight.control.ControlPlane;
import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The daemon's HTTP API ({@code /api/v1}, documented in docs/openapi.json) and its Prometheus
 * metrics. Every route says which role it needs; errors are RFC 9457 problem documents; every
 * change asked for is written to the audit log.
 */
public final class ApiServer implements AutoCloseable {
    /** A POST with this header set to PATCH is a PATCH (for clients whose HTTP has no PATCH). */
    public static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String CONSOLE = "/dev/hindsight/console";

    private final Javalin app;
    private final List<ApiRoutes.Route> routes;
    private final RemoteListener remote;
    private volatile ServerConnector remoteConnector;

    public ApiServer(ControlPlane control, Metrics metrics, String host, int port, Clock clock) {
        this(control, metrics, host, port, null, clock);
    }

    /** With {@code remote}, the API also listens there (TLS unless it was allowed without). */
    public ApiServer(ControlPlane control, Metrics metrics, String host, int port, RemoteListener remote, Clock clock) {
        this.remote = remote;
        routes = ApiRoutes.all(control, metrics, OpenApiDocument.load());
        Access access = new Access(control.tokens(), clock);
        AuditTrail audit = new AuditTrail(control.audit());
        app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            if (remote != null) {
                // Javalin makes its own connector only when given none: the loopback one goes first, so port() is its
                config.jetty.addConnector((server, http) -> plainConnector(server, http, host, port));
                config.jetty.addConnector((server, http) -> remoteConnector = connector(server, http, remote));
            }
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                    new FilterHolder(new MethodOverrideFilter()), "/*", EnumSet.of(DispatcherType.REQUEST)));
            // the web console: static files from the jar, its libraries from their WebJars; it holds no
            // data of its own, so it needs no token (what it shows comes from /api/v1 with the user's)
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = CONSOLE;
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
            config.routes.beforeMatched("/api/*", access::check);
            config.routes.beforeMatched("/metrics", access::check);
            for (ApiRoutes.Route route : routes) {
                config.routes.addHttpHandler(route.method(), route.path(), route.handler(), route.needs());
            }
            config.routes.after("/api/*", audit::after);
            config.routes.after(ctx -> metrics.countRequest(ctx.method().name(), Access.matchedRoute(ctx),
                    ctx.statusCode()));
            config.routes.exception(HindsightException.class, (e, ctx) -> problem(ctx, Problem.of(e)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> problem(ctx,
                    Problem.of(kindOf(e.getStatus()), e.getMessage(), "see " + ApiRoutes.BASE + "/openapi.json")));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Request {} {} failed", ctx.method(), ctx.path(), e);
                problem(ctx, Problem.of(HindsightException.Kind.FAILED, String.valueOf(e.getMessage()),
                        "see the daemon's log for details"));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    problem(ctx, Problem.of(HindsightException.Kind.NOT_FOUND, "no route " + ctx.method() + " "
                            + ctx.path(), "the routes are listed in " + ApiRoutes.BASE + "/openapi.json"));
                }
            });
        });
    }

    private static ServerConnector connector(Server server, HttpConfiguration http, RemoteListener remote) {
        if (remote.tls()) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStore(remote.keyStore());
            tls.setKeyStorePassword("");
            HttpConfiguration https = new HttpConfiguration(http);
            // clients reach a self-hosted daemon by IP address as often as by name: no SNI host check
            https.addCustomizer(new SecureRequestCustomizer(false));
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                    new HttpConnectionFactory(https));
            connector.setHost(remote.host());
            connector.setPort(remote.port());
            return connector;
        }
        return plainConnector(server, http, remote.host(), remote.port());
    }

    private static ServerConnector plainConnector(Server server, HttpConfiguration http, String host, int port) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    private static HindsightException.Kind kindOf(int status) {
        return switch (status) {
            case 400 -> HindsightException.Kind.INVALID_INPUT;
            case 401 -> HindsightException.Kind.UNAUTHENTICATED;
            case 403 -> HindsightException.Kind.FORBIDDEN;
            case 404, 405 -> HindsightException.Kind.NOT_FOUND;
            case 409 -> HindsightException.Kind.CONFLICT;
            case 503 -> HindsightException.Kind.UNAVAILABLE;
            default -> HindsightException.Kind.FAILED;
        };
    }

    private static void problem(Context ctx, Problem problem) {
        ctx.attribute(AuditTrail.DETAIL, problem.detail());
        if (problem.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"hindsight\"");
        }
        ctx.status(problem.status()).json(problem).contentType(Problem.MEDIA_TYPE);
    }

    /** The routes served, as "METHOD path": what the OpenAPI document must list. */
    public List<String> routes() {
        return routes.stream().map(r -> r.method().name() + " " + r.path()).toList();
    }

    /** The role each route needs ("METHOD path" to reader, operator or admin; "none" for the document). */
    public Map<String, String> routeRoles() {
        Map<String, String> roles = new TreeMap<>();
        for (ApiRoutes.Route r : routes) {
            roles.put(r.method().name() + " " + r.path(), r.needs().role() == null ? "none" : r.needs().role().text());
        }
        return roles;
    }

    public ApiServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Where remote clients reach the API ("https://host:port"), or null without a remote listener. */
    public String remoteUrl() {
        return remote == null ? null : remote.url(remoteConnector.getLocalPort());
    }

    /** Javalin's own table of the routes it serves, for the test that holds it against ours. */
    public List<String> servedRoutes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(p -> p.endpoint.method.isHttpMethod())
                .map(p -> p.endpoint.method.name() + " " + p.endpoint.path).toList();
    }

    @Override
    public void close() {
        app.stop();
    }
}
