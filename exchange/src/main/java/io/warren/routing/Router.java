package io.warren.routing;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes a message to the destinations bound to one exchange.
 *
 * <p>bind/unbind/unbindAll are meant to be called by one thread at a time; route may run on any
 * number of threads concurrently with them and never blocks.
 *
 * @param <D> the opaque destination type, compared with equals/hashCode
 */
public interface Router<D> {
    /** Adds a binding; returns false if an equal binding (dest, key, args) already existed. */
    boolean bind(D destination, String bindingKey, Map<String, Object> arguments);

    /** Removes a binding; returns false if there was none. */
    boolean unbind(D destination, String bindingKey, Map<String, Object> arguments);

    /** Removes every binding to destination; returns how many were removed. */
    int unbindAll(D destination);

    /** Adds every destination matching the message to out (out dedupes: it's a Set the caller owns and may reuse). */
    void route(String routingKey, Map<String, Object> headers, Set<D> out);

    /**
     * Like {@link #route(String, Map, Set)}, for routers that also look at other message properties (the
     * consistent-hash exchange's hash-property); properties may be null. Others ignore them.
     */
    default void route(String routingKey, Map<String, Object> headers, RoutingProperties properties, Set<D> out) {
        route(routingKey, headers, out);
    }

    /**
     * Checks a binding before it is made; throws IllegalArgumentException with the text for the client (a 406)
     * when this router cannot take it. Accepts everything by default.
     */
    default void validateBinding(String bindingKey, Map<String, Object> arguments) {
    }

    /** All bindings, for listing. */
    List<Binding<D>> bindings();

    /** Number of bindings. */
    int bindingCount();

    /** True when there are no bindings. */
    boolean isEmpty();
}
