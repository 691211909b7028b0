package io.warren.broker.queue;

import io.netty.util.concurrent.EventExecutor;
import java.util.List;

/** Where a queue hands messages for a consumer: the consumer's channel, living on its connection's thread. */
public interface DeliveryTarget {
    /** Called on the queue's thread; the target takes the entries over and writes them on its own thread. */
    void deliver(QueueConsumer consumer, List<QueueEntry> entries);

    /** The queue went away under the consumer (deleted); called on the queue's thread. */
    void cancelledByServer(QueueConsumer consumer);

    /** False while the connection's socket buffer is full: the queue then holds messages back. */
    boolean isWritable();

    /**
     * Slots of the channel's prefetch window that the consumer was given or took and did not use: the channel hands
     * them on. Any thread.
     */
    void channelSlotsUnused(QueueConsumer consumer, int slots);

    /** The connection's thread. */
    EventExecutor executor();
}
