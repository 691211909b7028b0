package io.warren.broker.vhost;

import io.warren.broker.queue.QueueFactory;
import io.warren.broker.queue.QueuePlacement;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.classic.ClassicQueueFactory;
import io.warren.broker.queue.stream.StreamQueueFactory;

/**
 * The one place that knows how each queue type is made: the factory x-queue-type selects. Quorum queues are made
 * by whatever the node's placement supplies (a cluster's quorum engine), or refused.
 */
final class QueueFactories {
    private static final QueueFactory CLASSIC = new ClassicQueueFactory();
    private static final QueueFactory STREAM = new StreamQueueFactory();

    private QueueFactories() {
    }

    static QueueFactory of(QueueType type, QueuePlacement placement) {
        return switch (type) {
            case CLASSIC -> CLASSIC;
            case STREAM -> STREAM;
            case QUORUM -> placement.quorumQueues();
        };
    }
}
