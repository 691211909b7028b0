package io.warren.broker.durable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warren.codec.LongString;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * AMQP field tables (x-arguments) as JSON text for the definitions store, and back, with their exact types.
 *
 * <p>Not the definitions file's plain JSON: that loses the difference between an int and a long and has no
 * byte arrays, yet binding identity compares arguments with {@code equals}, so a binding restored with a long
 * where the client sent an int could not be unbound. Each value is therefore a pair of its AMQP field type
 * letter and its value, e.g. {@code {"x-message-ttl":["I",60000]}}. Keys are written sorted, so that equal tables
 * give equal text (the store matches bindings by it).
 */
public final class ArgumentsJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ArgumentsJson() {
    }

    /** The table as JSON text; null reads as the empty table. */
    public static String write(Map<String, Object> table) {
        try {
            return JSON.writeValueAsString(table(table == null ? Map.of() : table));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The table the text was written from. */
    public static Map<String, Object> read(String json) {
        try {
            return readTable(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored arguments are not JSON: " + json, e);
        }
    }

    private static ObjectNode table(Map<?, ?> table) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<?, ?> e : new TreeMap<>(table).entrySet()) {
            out.set((String) e.getKey(), value(e.getValue()));
        }
        return out;
    }

    private static ArrayNode value(Object v) {
        ArrayNode pair = NODES.arrayNode();
        if (v == null) {
            return pair.add("V").addNull();
        } else if (v instanceof LongString s) {
            // long strings are bytes; nearly always UTF-8 text, kept readable when they are
            String text = s.toString();
            return Arrays.equals(text.getBytes(StandardCharsets.UTF_8), s.bytes()) ? pair.add("S").add(text)
                    : pair.add("Sx").add(Base64.getEncoder().encodeToString(s.bytes()));
        } else if (v instanceof String s) {
            return pair.add("S").add(s); // sent as a long string, so it comes back as one
        } else if (v instanceof Boolean b) {
            return pair.add("t").add(b);
        } else if (v instanceof Byte b) {
            return pair.add("b").add(b);
        } else if (v instanceof Short s) {
            return pair.add("s").add(s);
        } else if (v instanceof Integer i) {
            return pair.add("I").add(i);
        } else if (v instanceof Long l) {
            return pair.add("l").add(l);
        } else if (v instanceof Float f) {
            // as text: JSON has no NaN or infinities
            return pair.add("f").add(Float.toString(f));
        } else if (v instanceof Double d) {
            return pair.add("d").add(Double.toString(d));
        } else if (v instanceof BigDecimal d) {
            return pair.add("D").add(d.toString());
        } else if (v instanceof byte[] bytes) {
            return pair.add("x").add(Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof Date date) {
            return pair.add("T").add(date.getTime());
        } else if (v instanceof Map<?, ?> m) {
            return pair.add("F").add(table(m));
        } else if (v instanceof List<?> list) {
            return pair.add("A").add(array(list));
        } else if (v instanceof Object[] array) {
            return pair.add("A").add(array(Arrays.asList(array)));
        }
        throw new IllegalArgumentException("not a field-table value: " + v.getClass().getName());
    }

    private static ArrayNode array(List<?> list) {
        ArrayNode out = NODES.arrayNode();
        for (Object o : list) {
            out.add(value(o));
        }
        return out;
    }

    private static Map<String, Object> readTable(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("stored arguments are not a JSON object: " + n);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), readValue(e.getValue()));
        }
        return out;
    }

    private static Object readValue(JsonNode pair) {
        JsonNode v = pair.path(1);
        String tag = pair.path(0).asText();
        return switch (tag) {
            case "V" -> null;
            case "S" -> LongString.of(v.asText());
            case "Sx" -> LongString.wrap(Base64.getDecoder().decode(v.asText()));
            case "t" -> v.asBoolean();
            case "b" -> (byte) v.asInt();
            case "s" -> (short) v.asInt();
            case "I" -> v.asInt();
            case "l" -> v.asLong();
            case "f" -> Float.parseFloat(v.asText());
            case "d" -> Double.parseDouble(v.asText());
            case "D" -> new BigDecimal(v.asText());
            case "x" -> Base64.getDecoder().decode(v.asText());
            case "T" -> new Date(v.asLong());
            case "F" -> readTable(v);
            case "A" -> readArray(v);
            default -> throw new IllegalArgumentException("unknown stored argument type '" + tag + "' in " + pair);
        };
    }

    private static List<Object> readArray(JsonNode n) {
        List<Object> out = new ArrayList<>();
        n.forEach(e -> out.add(readValue(e)));
        return out;
    }
}
