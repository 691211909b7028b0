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
     * Routes a message that carries more routing keys than its own (its CC and BCC headers' keys) as RabbitMQ
     * matches them: to the destinations any of its keys selects. moreKeys may be empty, never null.
     */
    default void route(String routingKey, List<String> moreKeys, Map<String, Object> headers,
                       RoutingProperties properties, Set<D> out) {
        route(routingKey, headers, properties, out);
        if (matchesEachRoutingKey()) {
            for (int i = 0, n = moreKeys.size(); i < n; i++) {
                route(moreKeys.get(i), headers, properties, out);
            }
        }
    }

    /**
     * True when each routing key of a message selects destinations of its own (direct, topic); false for routers
     * that route a message once whatever its keys (fanout, headers, deduplication, consistent hashing, which picks
     * one destination per message from its own routing key).
     */
    default boolean matchesEachRoutingKey() {
        return true;
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
