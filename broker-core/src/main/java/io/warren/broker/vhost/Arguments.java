package io.warren.broker.vhost;

import io.warren.broker.queue.QueueType;
import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a redeclaration's x-arguments are equivalent to those in force, decided as RabbitMQ's
 * rabbit_misc:assert_args_equivalence decides it: two values of the same type class (every integer type, decimal
 * included, is one class; float and double another) are equivalent when their values are equal, and values of
 * different classes only when the values are identical terms (10 and 10.0 are not; a long string and a byte array
 * of the same bytes are). An absent x-queue-type and 'classic' are equivalent.
 */
public final class Arguments {
    /** The exchange arguments RabbitMQ holds a redeclaration to; others may differ freely. */
    public static final Set<String> EXCHANGE_EQUIVALENCE = Set.of("alternate-exchange");

    /** The queue arguments RabbitMQ holds a redeclaration to; others may differ freely. */
    public static final Set<String> QUEUE_EQUIVALENCE = Set.of("x-expires", "x-message-ttl",
            "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy", "x-max-length",
            "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes", "x-max-priority", "x-overflow",
            "x-queue-mode", QueueType.ARGUMENT, "x-queue-version", "x-single-active-consumer", "x-delivery-limit",
            "x-message-deduplication");

    private static final Object UNDEFINED = new Object();

    private Arguments() {
    }

    /** An argument or property a redeclaration differs in, with both values worded as RabbitMQ words them. */
    public record Difference(String argument, String received, String current) {
        /** A difference in a plain property (durable, type...): both values shown quoted. */
        static Difference of(String argument, Object received, Object current) {
            return new Difference(argument, quoted(received), quoted(current));
        }
    }

    /** The first of the given arguments (in name order) whose values are not equivalent, or null when none. */
    public static Difference firstDifference(Map<String, Object> received, Map<String, Object> current,
                                             Set<String> checked) {
        TreeSet<String> keys = new TreeSet<>(received.keySet());
        keys.addAll(current.keySet());
        keys.retainAll(checked);
        for (String k : keys) {
            Difference d = compare(k, received, current);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static Difference compare(String key, Map<String, Object> received, Map<String, Object> current) {
        boolean isReceived = received.containsKey(key);
        boolean isCurrent = current.containsKey(key);
        if (isReceived && isCurrent) {
            Object r = received.get(key);
            Object c = current.get(key);
            if (typeClass(r).equals(typeClass(c)) && sameValue(r, c) || term(r).equals(term(c))) {
                return null;
            }
            return new Difference(key, quoted(r), quoted(c));
        }
        Object present = isReceived ? received.get(key) : current.get(key);
        if (QueueType.ARGUMENT.equals(key) && isString(present) && QueueType.CLASSIC.argument().equals(present.toString())) {
            return null; // a classic queue need not name its type
        }
        String typed = "the value '" + text(present) + "' of type '" + FieldTables.typeName(present) + "'";
        return isReceived ? new Difference(key, typed, "none") : new Difference(key, "none", typed);
    }

    private static String typeClass(Object v) {
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long
                || v instanceof BigDecimal) {
            return "int";
        }
        if (v instanceof Float || v instanceof Double) {
            return "float";
        }
        return FieldTables.typeName(v);
    }

    // equality of two values of one type class, as Erlang's == sees them
    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Float || a instanceof Double) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        return term(a).equals(term(b));
    }

    /** The value as the Erlang term RabbitMQ compares, in a Java form whose equals is Erlang's exact equality. */
    private static Object term(Object v) {
        if (v == null) {
            return UNDEFINED;
        } else if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        } else if (v instanceof Float || v instanceof Double) {
            return ((Number) v).doubleValue();
        } else if (v instanceof LongString s) {
            return ByteBuffer.wrap(s.bytes());
        } else if (v instanceof String s) {
            return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            return ByteBuffer.wrap(b);
        } else if (v instanceof Date d) {
            return d.getTime() / 1000; // timestamps are whole seconds on the wire
        } else if (v instanceof List<?> list) {
            List<Object> items = new ArrayList<>();
            for (Object item : list) {
                items.add(List.of(FieldTables.typeName(item), term(item))); // array items keep their types
            }
            return items;
        } else if (v instanceof Map<?, ?> table) {
            List<Object> rows = new ArrayList<>();
            table.forEach((k, item) -> rows.add(List.of(k, FieldTables.typeName(item), term(item))));
            return rows;
        }
        return v; // Boolean, BigDecimal (scale and digits, like RabbitMQ's {Scale, Value})
    }

    private static boolean isString(Object v) {
        return v instanceof LongString || v instanceof String;
    }

    private static String quoted(Object v) {
        return "'" + text(v) + "'";
    }

    /** A value printed as RabbitMQ prints it in these messages (strings as text, other terms as Erlang shows them). */
    private static String text(Object v) {
        if (v == null) {
            return "undefined";
        } else if (v instanceof Float || v instanceof Double) {
            return Double.toString(((Number) v).doubleValue()).replace('E', 'e');
        } else if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        } else if (v instanceof BigDecimal d) {
            return "{" + d.scale() + "," + d.unscaledValue() + "}";
        } else if (v instanceof Date d) {
            return Long.toString(d.getTime() / 1000);
        }
        return v.toString();
    }
}
