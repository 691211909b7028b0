package io.warren.broker.vhost;

import io.warren.broker.queue.AmqpQueue;
import io.warren.routing.RoutingProperties;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The walk of a message through a vhost's exchanges: exchange-to-exchange bindings and alternate exchanges, each
 * exchange visited once so that cycles end. As in RabbitMQ, every exchange on the way matches the message's whole
 * set of routing keys (its own and its CC/BCC keys), and an alternate exchange is taken only when none of them
 * matched.
 */
final class ExchangeGraph {
    private final Map<String, ExchangeEntity> exchanges;
    private final Map<String, AmqpQueue> queues;

    ExchangeGraph(Map<String, ExchangeEntity> exchanges, Map<String, AmqpQueue> queues) {
        this.exchanges = exchanges;
        this.queues = queues;
    }

    /** Adds to out every queue the keys reach from start; moreKeys may be empty, never null. */
    void route(ExchangeEntity start, String routingKey, List<String> moreKeys, Map<String, Object> headers,
               RoutingProperties properties, Set<AmqpQueue> out, RoutingScratch scratch) {
        scratch.seen.clear();
        scratch.work.clear();
        scratch.work.add(start);
        ExchangeEntity x;
        while ((x = scratch.work.poll()) != null) {
            if (!scratch.seen.add(x)) {
                continue;
            }
            if (x.isDefault()) {
                addQueueNamed(routingKey, out);
                for (int i = 0, n = moreKeys.size(); i < n; i++) {
                    addQueueNamed(moreKeys.get(i), out);
                }
                continue;
            }
            scratch.hits.clear();
            x.router().route(routingKey, moreKeys, headers, properties, scratch.hits);
            if (scratch.hits.isEmpty()) {
                String ae = x.alternateExchange();
                ExchangeEntity alt = ae == null ? null : exchanges.get(ae);
                if (alt != null) {
                    scratch.work.add(alt);
                }
                continue;
            }
            for (Destination d : scratch.hits) {
                if (d instanceof AmqpQueue q) {
                    out.add(q);
                } else {
                    scratch.work.add((ExchangeEntity) d);
                }
            }
        }
    }

    private void addQueueNamed(String name, Set<AmqpQueue> out) {
        AmqpQueue q = queues.get(name);
        if (q != null) {
            out.add(q);
        }
    }
}
