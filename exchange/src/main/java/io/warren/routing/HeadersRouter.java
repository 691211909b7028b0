package io.warren.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Headers exchange: a message goes to the bindings whose arguments match its headers, per the
 * binding's x-match mode (all, any, all-with-x, any-with-x), as in RabbitMQ.
 *
 * <p>Every message is checked against every binding, as in RabbitMQ; bindings are precompiled
 * into an immutable array swapped on each change so routing takes no lock.
 */
public final class HeadersRouter<D> extends AbstractRouter<D> {
    private static final HeadersPattern<?>[] NONE = new HeadersPattern<?>[0];

    private volatile HeadersPattern<?>[] patterns = NONE;

    /**
     * Checks a binding's x-match argument the way RabbitMQ does before accepting the binding.
     *
     * @throws IllegalArgumentException with RabbitMQ's precondition text if x-match is invalid
     */
    public static void validateArguments(Map<String, Object> arguments) {
        if (arguments == null || !arguments.containsKey(XMatch.ARGUMENT)) {
            return;
        }
        Object value = arguments.get(XMatch.ARGUMENT);
        if (value instanceof CharSequence) {
            if (XMatch.named(value) == null) {
                throw new IllegalArgumentException("Invalid x-match field value \"" + value
                        + "\"; expected all, any, all-with-x, or any-with-x");
            }
            return;
        }
        String type = value == null ? "void" : value.getClass().getSimpleName();
        throw new IllegalArgumentException("Invalid x-match field type " + type + " (value " + value
                + "); expected longstr");
    }

    @Override
    void index(Binding<D> binding) {
        HeadersPattern<?>[] current = patterns;
        HeadersPattern<?>[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = HeadersPattern.compile(binding);
        patterns = grown;
    }

    @Override
    void unindex(Binding<D> binding) {
        HeadersPattern<?>[] current = patterns;
        for (int i = 0; i < current.length; i++) {
            if (current[i].binding().equals(binding)) {
                HeadersPattern<?>[] shrunk = new HeadersPattern<?>[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                patterns = shrunk;
                return;
            }
        }
    }

    @Override
    public boolean matchesEachRoutingKey() {
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void route(String routingKey, Map<String, Object> headers, Set<D> out) {
        Map<String, Object> present = headers == null ? Map.of() : headers;
        for (HeadersPattern<?> pattern : patterns) {
            if (pattern.matches(present)) {
                out.add((D) pattern.destination());
            }
        }
    }
}
