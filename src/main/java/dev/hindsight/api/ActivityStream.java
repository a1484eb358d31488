package dev.hindsight.api;

import dev.hindsight.control.ActivityFeed;
import dev.hindsight.control.ApiToken;
import dev.hindsight.control.Role;
import dev.hindsight.control.Tokens;
import dev.hindsight.util.Json;
import io.javalin.http.sse.SseClient;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /api/v1/events}: the activity feed as server-sent events, "operation" and (for
 * admins, as the audit log is theirs) "audit", each with the resource as JSON. The threads that
 * make changes (a backup's, a request's) only queue an event: each client has a writer thread of
 * its own, so a stalled browser never holds up a backup or the other clients. A client that falls
 * a whole queue behind is closed (the console reconnects and reads the lists again). Every
 * {@link #HEARTBEAT} with nothing to send, a comment keeps proxies from dropping the connection,
 * finds clients that went away, and the token is checked again: revoked or expired, the stream ends.
 */
final class ActivityStream {
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final int QUEUE = 256;

    private ActivityStream() {
    }

    static void open(SseClient client, ActivityFeed feed, Tokens tokens) {
        ApiToken token = client.ctx().attribute(Access.TOKEN);
        boolean audit = token.role().allows(Role.ADMIN);
        BlockingQueue<ActivityFeed.Event> queue = new ArrayBlockingQueue<>(QUEUE);
        AtomicBoolean behind = new AtomicBoolean();
        client.keepAlive();
        Runnable stopListening = feed.listen(event -> {
            if ((event.kind() != ActivityFeed.Kind.AUDIT || audit) && !queue.offer(event)) {
                behind.set(true);
            }
        });
        Thread writer = new Thread(() -> {
            try {
                write(client, queue, behind, token, tokens);
            } catch (RuntimeException gone) {
                // the client went away (or the daemon stopped) between a check and a write: nothing to tell it
            } finally {
                stopListening.run();
                closeQuietly(client);
            }
        }, "activity-stream-" + token.name());
        writer.setDaemon(true);
        client.onClose(() -> {
            stopListening.run();
            writer.interrupt();
        });
        writer.start();
    }

    /** After the daemon stopped, the request is gone and closing it again fails inside Javalin. */
    private static void closeQuietly(SseClient client) {
        if (client.terminated()) {
            return;
        }
        try {
            client.close();
        } catch (RuntimeException alreadyGone) {
            // the connection is closed either way
        }
    }

    private static void write(SseClient client, BlockingQueue<ActivityFeed.Event> queue, AtomicBoolean behind,
                              ApiToken token, Tokens tokens) {
        try {
            client.sendComment("connected");
            while (!client.terminated() && !behind.get()) {
                ActivityFeed.Event event = queue.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                if (event != null) {
                    client.sendEvent(event.kind().text(), Json.MAPPER.writeValueAsString(event.data()));
                } else if (tokens.stillValid(token.id())) {
                    client.sendComment("still here");
                } else {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
