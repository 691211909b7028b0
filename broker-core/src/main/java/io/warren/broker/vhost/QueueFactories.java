package io.warren.broker.vhost;

import io.warren.broker.queue.QueueFactory;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.classic.ClassicQueueFactory;
import io.warren.broker.queue.stream.StreamQueueFactory;
import java.util.EnumMap;
import java.util.Map;

/** The one place that knows how each queue type is made: the factory x-queue-type selects. */
final class QueueFactories {
    private static final Map<QueueType, QueueFactory> FACTORIES = new EnumMap<>(QueueType.class);

    static {
        FACTORIES.put(QueueType.CLASSIC, new ClassicQueueFactory());
        FACTORIES.put(QueueType.STREAM, new StreamQueueFactory());
        FACTORIES.put(QueueType.QUORUM, QueueFactory.unavailable("quorum queues need a cluster, which Warren "
                + "does not have yet; declare the queue without x-queue-type, or with 'classic'"));
    }

    private QueueFactories() {
    }

    static QueueFactory of(QueueType type) {
        return FACTORIES.get(type);
    }
}
