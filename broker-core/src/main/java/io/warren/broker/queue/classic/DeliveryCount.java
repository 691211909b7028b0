package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.QueueEntry;
import io.warren.codec.BasicProperties;
import java.util.LinkedHashMap;
import java.util.Map;

/** The x-delivery-count header quorum queues put on a returned message, so consumers can see its retries. */
final class DeliveryCount {
    private DeliveryCount() {
    }

    /** Gives the entry a copy of its message that carries its return count (the body is shared, not copied). */
    static void stamp(QueueEntry e) {
        Message m = e.message();
        BasicProperties p = m.properties();
        Map<String, Object> headers = p.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.headers());
        headers.put("x-delivery-count", (long) e.returns());
        e.replaceMessage(Message.withProperties(m.exchange(), m.routingKey(), p.withHeaders(headers),
                m.body().retain()));
        m.release();
    }
}
