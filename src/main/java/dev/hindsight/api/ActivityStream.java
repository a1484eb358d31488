package dev.hindsight.api;

import dev.hindsight.control.ActivityFeed;
import dev.hindsight.control.Role;
import dev.hindsight.util.Json;
import io.javalin.http.sse.SseClient;

import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/events}: the activity feed as server-sent events, "operation" and (for
 * admins, as the audit log is theirs) "audit", each with the resource as JSON. Changes come from
 * many threads; one event is written at a time.
 */
final class ActivityStream {
    private ActivityStream() {
    }

    static void open(SseClient client, ActivityFeed feed) {
        Role role = client.ctx().attribute(Access.ROLE);
        boolean audit = role != null && role.allows(Role.ADMIN);
        client.keepAlive();
        Runnable[] stop = new Runnable[1];
        stop[0] = feed.listen(event -> {
            if (event.kind() == ActivityFeed.Kind.AUDIT && !audit) {
                return;
            }
            synchronized (client) {
                if (client.terminated()) {
                    if (stop[0] != null) {
                        stop[0].run();
                    }
                    return;
                }
                try {
                    client.sendEvent(event.kind().text(), Json.MAPPER.writeValueAsString(event.data()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        client.onClose(stop[0]);
        synchronized (client) {
            client.sendComment("connected");
        }
    }
}
