package io.warren.management.api;

import io.warren.broker.admin.DelayedMessageView;
import io.warren.management.http.ApiException;
import io.warren.management.json.MessageProperties;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of a message a delayed exchange holds, and the listing's limit parameter. */
final class DelayedJson {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    private DelayedJson() {
    }

    static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("'limit' must be a number from 0 to " + MAX_LIMIT + ", not '" + value + "'");
    }

    static Map<String, Object> message(DelayedMessageView m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("due_at", m.dueAtMillis());
        out.put("due_at_iso", Instant.ofEpochMilli(m.dueAtMillis()).toString());
        out.put("routing_key", m.routingKey());
        out.put("payload_bytes", m.bodySize());
        out.put("properties", MessageProperties.toJson(m.properties()));
        return out;
    }
}
