package io.warren.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A headers binding compiled for routing: its mode and the arguments that take part in matching.
 * Immutable, so routing threads share it freely.
 */
final class HeadersPattern<D> {
    private final Binding<D> binding;
    private final boolean any;
    private final String[] keys;
    // A null value is AMQP void: the header only has to be present.
    private final Object[] values;

    private HeadersPattern(Binding<D> binding, boolean any, String[] keys, Object[] values) {
        this.binding = binding;
        this.any = any;
        this.keys = keys;
        this.values = values;
    }

    static <D> HeadersPattern<D> compile(Binding<D> binding) {
        Map<String, Object> arguments = binding.arguments();
        XMatch mode = XMatch.of(arguments);
        List<String> keys = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (Map.Entry<String, Object> argument : arguments.entrySet()) {
            String key = argument.getKey();
            // x-match itself never takes part; other x- arguments only in the *-with-x modes.
            boolean skipped = XMatch.ARGUMENT.equals(key) || (key.startsWith("x-") && !mode.countsXArguments());
            if (!skipped) {
                keys.add(key);
                values.add(HeaderValues.normalise(argument.getValue()));
            }
        }
        return new HeadersPattern<>(binding, mode.any(), keys.toArray(new String[0]), values.toArray());
    }

    Binding<D> binding() {
        return binding;
    }

    D destination() {
        return binding.destination();
    }

    /** headers must not be null; "any" with no arguments matches nothing, "all" matches everything. */
    boolean matches(Map<String, Object> headers) {
        for (int i = 0; i < keys.length; i++) {
            boolean matched = values[i] == null
                    ? headers.containsKey(keys[i])
                    : HeaderValues.matches(values[i], headers.get(keys[i]));
            if (matched == any) {
                return any;
            }
        }
        return !any;
    }
}
