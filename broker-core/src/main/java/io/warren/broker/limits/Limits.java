package io.warren.broker.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A vhost's or a user's limits, as RabbitMQ keeps them: a name (max-connections, max-queues, max-channels) to an
 * integer, where a negative value means "no limit" and an absent name too.
 */
public final class Limits {
    public static final String MAX_CONNECTIONS = "max-connections";
    public static final String MAX_QUEUES = "max-queues";
    public static final String MAX_CHANNELS = "max-channels";
    /** What a vhost may be limited in. */
    public static final Set<String> VHOST = Set.of(MAX_CONNECTIONS, MAX_QUEUES);
    /** What a user may be limited in. */
    public static final Set<String> USER = Set.of(MAX_CONNECTIONS, MAX_CHANNELS);
    public static final Limits NONE = new Limits(Map.of());

    private final Map<String, Long> values;

    private Limits(Map<String, Long> values) {
        this.values = values;
    }

    /**
     * Limits from a JSON object such as {"max-connections": 10}; a name outside allowed, or a value that is not an
     * integer, is refused with a message that says which.
     */
    public static Limits fromJson(JsonNode n, Set<String> allowed, String owner) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return NONE;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("limits of " + owner + " must be a JSON object, got " + n);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), value(e.getKey(), e.getValue(), allowed, owner));
        }
        return new Limits(Map.copyOf(out));
    }

    /** A limit's value checked as RabbitMQ does: a known name and an integer (numeric strings count). */
    public static long value(String name, JsonNode v, Set<String> allowed, String owner) {
        if (!allowed.contains(name)) {
            throw new IllegalArgumentException("unknown limit '" + name + "' for " + owner + ": one of "
                    + new java.util.TreeSet<>(allowed) + " is expected");
        }
        if (v != null && v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v != null && v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        throw new IllegalArgumentException("limit '" + name + "' of " + owner + " must be an integer, got " + v);
    }

    /** These limits with one more (or a changed) value. */
    public Limits with(String name, long value) {
        Map<String, Long> out = new LinkedHashMap<>(values);
        out.put(name, value);
        return new Limits(Map.copyOf(out));
    }

    /** These limits without the named one. */
    public Limits without(String name) {
        Map<String, Long> out = new LinkedHashMap<>(values);
        out.remove(name);
        return new Limits(Map.copyOf(out));
    }

    /** The limit, or -1 for none. */
    public long get(String name) {
        Long v = values.get(name);
        return v == null || v < 0 ? -1 : v;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The limits as a JSON object, names sorted. */
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        new java.util.TreeMap<>(values).forEach(out::put);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits l && l.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
