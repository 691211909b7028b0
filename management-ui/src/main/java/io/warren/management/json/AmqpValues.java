package io.warren.management.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.codec.LongString;
import io.warren.management.http.ApiException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AMQP field-table values to JSON and back, the way RabbitMQ's API shows and takes them. */
public final class AmqpValues {
    private AmqpValues() {
    }

    /** A field table as JSON-ready values: long strings become strings, timestamps seconds, bytes base64. */
    public static Map<String, Object> toJson(Map<String, Object> table) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (table != null) {
            table.forEach((k, v) -> out.put(k, value(v)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object value(Object v) {
        if (v instanceof LongString s) {
            return s.toString();
        }
        if (v instanceof Date d) {
            return d.getTime() / 1000;
        }
        if (v instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (v instanceof Map<?, ?> m) {
            return toJson((Map<String, Object>) m);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(e -> out.add(value(e)));
            return out;
        }
        if (v instanceof Object[] array) {
            List<Object> out = new ArrayList<>();
            for (Object e : array) {
                out.add(value(e));
            }
            return out;
        }
        return v;
    }

    /** A JSON object as a field table, strings as long strings as a client would send them; null is {}. */
    public static Map<String, Object> table(JsonNode n, String field) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return new LinkedHashMap<>();
        }
        if (!n.isObject()) {
            throw ApiException.badRequest("'" + field + "' must be a JSON object, got " + n);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Object v = fromJson(e.getValue(), field);
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    private static Object fromJson(JsonNode v, String field) {
        if (v.isTextual()) {
            return LongString.of(v.asText());
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber()) {
            if (v.canConvertToInt()) {
                return v.asInt();
            }
            if (v.canConvertToLong()) {
                return v.asLong();
            }
            throw ApiException.badRequest("number out of range in '" + field + "': " + v);
        }
        if (v.isNumber()) {
            return v.isBigDecimal() ? (Object) new BigDecimal(v.asText()) : (Object) v.asDouble();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            v.forEach(e -> list.add(fromJson(e, field)));
            return list;
        }
        if (v.isObject()) {
            return table(v, field);
        }
        return null;
    }
}
