package io.warren.broker.queue;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where dead-lettered messages go: the vhost's routing, seen from a queue. Callable from any queue thread. */
public interface DeadLetterRouting {
    /** Adds the queues a message with these routing keys and headers reaches from the exchange (none if absent). */
    void route(String exchange, List<String> routingKeys, Map<String, Object> headers, Set<MessageQueue> out);

    /** Counts dead-lettered messages into the broker's totals. */
    void counted(long messages);
}
