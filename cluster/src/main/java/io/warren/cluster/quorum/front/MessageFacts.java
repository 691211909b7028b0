package io.warren.cluster.quorum.front;

import io.warren.broker.message.Message;
import io.warren.broker.queue.Expiration;
import io.warren.codec.BasicProperties;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a quorum queue's enqueue command says about a message, and what a delivery adds to it. */
final class MessageFacts {
    private MessageFacts() {
    }

    /** The priority property (0 when absent). */
    static int priority(Message m) {
        return m.priority();
    }

    /** The expiration property in ms, or -1 (absent, or not a number); decoded only when the flag says it is there. */
    static long ttl(Message m) {
        if (!m.hasProperty(Message.EXPIRATION_FLAG)) {
            return -1;
        }
        return Expiration.parse(m.properties().expiration());
    }

    /**
     * The message with x-delivery-count set to the times it came back after a failed delivery, as RabbitMQ 4's
     * quorum queues send it (only when above 0); the body is shared, and the message given is released.
     */
    static Message withDeliveryCount(Message m, int count) {
        if (count <= 0) {
            return m;
        }
        BasicProperties p = m.properties();
        Map<String, Object> headers = p.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.headers());
        headers.put("x-delivery-count", (long) count);
        Message out = Message.withProperties(m.exchange(), m.routingKey(), p.withHeaders(headers), m.body().retain());
        m.release();
        return out;
    }
}
