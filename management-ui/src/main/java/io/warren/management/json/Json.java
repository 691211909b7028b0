package io.warren.management.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.warren.management.http.ApiException;

/**
 * Reading request bodies leniently, as RabbitMQ does (tools such as rabbitmqadmin send "true" and "1" as strings),
 * and refusing anything malformed with a 400 that says why.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The body as a JSON object; empty means {}. */
    public static JsonNode parseObject(byte[] body) {
        if (body == null || body.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("cannot read body: " + e.getMessage());
        }
        if (n == null || n.isMissingNode()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!n.isObject()) {
            throw ApiException.badRequest("body must be a JSON object");
        }
        return n;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A boolean field; "true"/"false" strings count; absent gives the default. */
    public static boolean bool(JsonNode n, String field, boolean dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw ApiException.badRequest("'" + field + "' must be true or false, got " + v);
    }

    /** An integer field; numeric strings count; absent gives the default. */
    public static int integer(JsonNode n, String field, int dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw ApiException.badRequest("'" + field + "' must be an integer, got " + v);
    }

    /** A string field; absent gives the default; a non-string is a 400. */
    public static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw ApiException.badRequest("'" + field + "' must be a string, got " + v);
        }
        return v.asText();
    }

    public static String requiredText(JsonNode n, String field) {
        String s = text(n, field, null);
        if (s == null) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return s;
    }
}
