package io.warren.broker.vhost;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Comparison of x-arguments the way a person reads them: 10 (int) equals 10 (long), a long string equals its text. */
public final class Arguments {
    private Arguments() {
    }

    public static boolean valueEquals(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (a instanceof CharSequence && b instanceof CharSequence) {
            return a.toString().equals(b.toString());
        }
        return Objects.equals(a, b);
    }

    /** The exchange arguments RabbitMQ holds a redeclaration to; others may differ freely. */
    public static final Set<String> EXCHANGE_EQUIVALENCE = Set.of("alternate-exchange");

    /** The queue arguments RabbitMQ holds a redeclaration to; others may differ freely. */
    public static final Set<String> QUEUE_EQUIVALENCE = Set.of("x-expires", "x-message-ttl",
            "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy", "x-max-length",
            "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes", "x-max-priority", "x-overflow",
            "x-queue-mode", "x-queue-type", "x-queue-version", "x-single-active-consumer", "x-delivery-limit",
            "x-message-deduplication");

    /**
     * The first of the given argument names whose value differs between the two tables, or null when they are
     * equivalent.
     */
    public static String firstDifference(Map<String, Object> received, Map<String, Object> current,
                                         Set<String> checked) {
        TreeSet<String> keys = new TreeSet<>(received.keySet());
        keys.addAll(current.keySet());
        keys.retainAll(checked);
        for (String k : keys) {
            if (!valueEquals(received.get(k), current.get(k))) {
                return k;
            }
        }
        return null;
    }

    public static String describe(Object value) {
        return value == null ? "none" : value.toString();
    }
}
