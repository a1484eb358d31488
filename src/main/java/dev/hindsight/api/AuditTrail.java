package dev.hindsight.api;

import dev.hindsight.control.AuditLog;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/** Writes every request that asks for a change (anything but GET/HEAD/OPTIONS) to the audit log, refused ones too. */
final class AuditTrail {
    static final String DETAIL = "hindsight.detail";

    private final AuditLog log;

    AuditTrail(AuditLog log) {
        this.log = log;
    }

    void after(Context ctx) {
        HandlerType method = ctx.method();
        if (method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS) {
            return;
        }
        String route = Access.routeOf(ctx);
        String target = ctx.attribute(ApiRoutes.TARGET);
        if (target == null) {
            try {
                target = ctx.pathParamMap().get("name");
            } catch (RuntimeException unmatched) {
                // no route matched, so no server named in it
            }
        }
        log.record(Access.actor(ctx), method.name() + " " + route, target, ctx.statusCode(), ctx.attribute(DETAIL));
    }
}
