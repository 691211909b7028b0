package io.warren.broker.queue;

import io.warren.routing.RoutingProperties;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where dead-lettered messages go: the vhost's routing, seen from a queue. Callable from any queue thread. */
public interface DeadLetterRouting {
    /**
     * Adds the queues a message with these routing keys, headers and properties reaches from the exchange (none if
     * the exchange is absent).
     */
    void route(String exchange, List<String> routingKeys, Map<String, Object> headers, RoutingProperties properties,
               Set<AmqpQueue> out);

    /** Counts dead-lettered messages into the broker's totals. */
    void counted(long messages);
}
