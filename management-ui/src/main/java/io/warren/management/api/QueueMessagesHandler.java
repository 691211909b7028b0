package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.AccessAdmin.Access;
import io.warren.broker.admin.GotMessage;
import io.warren.broker.admin.RedriveResult;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.Json;
import io.warren.management.json.MessageProperties;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages of one queue: get (inspect, RabbitMQ's POST .../get), and Warren's own move (POST .../move) and
 * re-drive of a dead-letter queue (POST .../redrive).
 */
final class QueueMessagesHandler {
    private static final int MAX_GET = 10_000;

    private final ApiContext ctx;

    QueueMessagesHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("POST", "/api/queues/{vhost}/{name}/get", this::get);
        r.add("POST", "/api/queues/{vhost}/{name}/move", this::move);
        r.add("POST", "/api/queues/{vhost}/{name}/redrive", this::redrive);
    }

    private ApiResponse get(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        ctx.auth().require(req.user(), v, Access.READ, name);
        JsonNode body = req.json();
        int count = Json.integer(body, "count", 1);
        if (count < 1 || count > MAX_GET) {
            throw ApiException.badRequest("'count' must be between 1 and " + MAX_GET);
        }
        String ackmode = Json.text(body, "ackmode", Json.bool(body, "requeue", true) ? "ack_requeue_true"
                : "ack_requeue_false");
        boolean requeue = switch (ackmode) {
            case "ack_requeue_true", "reject_requeue_true" -> true;
            case "ack_requeue_false", "reject_requeue_false" -> false;
            default -> throw ApiException.badRequest("'ackmode' must be ack_requeue_true, ack_requeue_false, "
                    + "reject_requeue_true or reject_requeue_false");
        };
        String encoding = Json.text(body, "encoding", "auto");
        if (!encoding.equals("auto") && !encoding.equals("base64")) {
            throw ApiException.badRequest("'encoding' must be auto or base64");
        }
        int truncate = body.has("truncate") ? Json.integer(body, "truncate", Integer.MAX_VALUE) : Integer.MAX_VALUE;
        if (truncate < 0) {
            throw ApiException.badRequest("truncate must not be negative, got " + truncate);
        }
        QueuesHandler.existing(ctx, v, name);
        List<GotMessage> got = ApiContext.await(ctx.admin().messages().get(v, name, count, requeue));
        List<Map<String, Object>> out = new ArrayList<>();
        for (GotMessage m : got) {
            out.add(view(m, encoding, truncate));
        }
        return ApiResponse.ok(out);
    }

    private static Map<String, Object> view(GotMessage m, String encoding, int truncate) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("payload_bytes", m.body().length);
        out.put("redelivered", m.redelivered());
        out.put("exchange", m.exchange());
        out.put("routing_key", m.routingKey());
        out.put("message_count", m.remaining());
        out.put("properties", MessageProperties.toJson(m.properties()));
        byte[] body = m.body().length > truncate ? Arrays.copyOf(m.body(), truncate) : m.body();
        String text = "auto".equals(encoding) ? utf8(body) : null;
        if (text != null) {
            out.put("payload", text);
            out.put("payload_encoding", "string");
        } else {
            out.put("payload", Base64.getEncoder().encodeToString(body));
            out.put("payload_encoding", "base64");
        }
        return out;
    }

    /** The text if the bytes are valid UTF-8, else null (shown as base64, as RabbitMQ's "auto" does). */
    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private ApiResponse move(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        JsonNode body = req.json();
        String destination = Json.requiredText(body, "destination");
        int count = Json.integer(body, "count", 0);
        // taking messages out reads the source; putting them in writes the destination
        ctx.auth().require(req.user(), v, Access.READ, name);
        ctx.auth().require(req.user(), v, Access.WRITE, destination);
        QueuesHandler.existing(ctx, v, name);
        QueuesHandler.existing(ctx, v, destination);
        int moved = ApiContext.await(ctx.admin().messages().move(v, name, destination, count));
        return ApiResponse.ok(Map.of("moved", moved, "destination", destination));
    }

    private ApiResponse redrive(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        req.json();
        ctx.auth().require(req.user(), v, Access.READ, name);
        QueuesHandler.existing(ctx, v, name);
        if (!ctx.auth().isAdminOrWritesAll(req.user(), v)) {
            throw ApiException.forbidden("re-drive writes to the queues named in x-death: write permission on all "
                    + "queues ('.*') required");
        }
        RedriveResult r = ApiContext.await(ctx.admin().messages().redrive(v, name));
        return ApiResponse.ok(Map.of("moved", r.moved(), "moved_to", r.movedTo(), "left", r.left()));
    }
}
