package io.warren.broker.vhost;

import java.util.Map;
import java.util.Objects;
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

    /** The first argument name whose value differs between the two tables, or null when equivalent. */
    public static String firstDifference(Map<String, Object> received, Map<String, Object> current) {
        TreeSet<String> keys = new TreeSet<>(received.keySet());
        keys.addAll(current.keySet());
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
