package io.warren.management.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.codec.BasicProperties;
import io.warren.management.http.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Message properties in RabbitMQ's JSON shape (delivery_mode, headers, content_type, ...), both ways. */
public final class MessageProperties {
    private MessageProperties() {
    }

    public static Map<String, Object> toJson(BasicProperties p) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (p == null) {
            return out;
        }
        put(out, "content_type", p.contentType());
        put(out, "content_encoding", p.contentEncoding());
        if (p.headers() != null) {
            out.put("headers", AmqpValues.toJson(p.headers()));
        }
        put(out, "delivery_mode", p.deliveryMode());
        put(out, "priority", p.priority());
        put(out, "correlation_id", p.correlationId());
        put(out, "reply_to", p.replyTo());
        put(out, "expiration", p.expiration());
        put(out, "message_id", p.messageId());
        put(out, "timestamp", p.timestamp());
        put(out, "type", p.type());
        put(out, "user_id", p.userId());
        put(out, "app_id", p.appId());
        put(out, "cluster_id", p.clusterId());
        return out;
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    /** Properties from a publish request; unknown fields are refused, so a typo does not pass silently. */
    public static BasicProperties fromJson(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return BasicProperties.EMPTY;
        }
        if (!n.isObject()) {
            throw ApiException.badRequest("'properties' must be a JSON object");
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!KNOWN.contains(f)) {
                throw ApiException.badRequest("unknown message property '" + f + "'");
            }
        });
        Map<String, Object> headers = n.has("headers") ? AmqpValues.table(n.get("headers"), "headers") : null;
        Integer deliveryMode = n.has("delivery_mode") ? Json.integer(n, "delivery_mode", 1) : null;
        Integer priority = n.has("priority") ? Json.integer(n, "priority", 0) : null;
        Long timestamp = n.has("timestamp") ? (long) Json.integer(n, "timestamp", 0) : null;
        return new BasicProperties(Json.text(n, "content_type", null), Json.text(n, "content_encoding", null),
                headers, deliveryMode, priority, Json.text(n, "correlation_id", null),
                Json.text(n, "reply_to", null), Json.text(n, "expiration", null), Json.text(n, "message_id", null),
                timestamp, Json.text(n, "type", null), Json.text(n, "user_id", null), Json.text(n, "app_id", null),
                Json.text(n, "cluster_id", null));
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of("content_type", "content_encoding",
            "headers", "delivery_mode", "priority", "correlation_id", "reply_to", "expiration", "message_id",
            "timestamp", "type", "user_id", "app_id", "cluster_id");
}
