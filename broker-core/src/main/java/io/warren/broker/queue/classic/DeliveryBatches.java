package io.warren.broker.queue.classic;

import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The deliveries one drain of a queue hands out, gathered per consumer so that each consumer's channel gets one
 * task per batch rather than one per message. On the queue's loop; reused from drain to drain.
 */
final class DeliveryBatches {
    /** Deliveries handed to one consumer in one task: large enough to amortise, small enough to interleave. */
    static final int MAX = 256;

    private final List<QueueConsumer> dispatching = new ArrayList<>();

    /** Adds a delivery to its consumer's batch, handing the batch over once it is full. */
    void add(QueueConsumer c, QueueEntry e) {
        List<QueueEntry> batch = c.batch();
        if (batch.isEmpty()) {
            dispatching.add(c);
        }
        batch.add(e);
        if (batch.size() >= MAX) {
            c.target().deliver(c, c.takeBatch());
            dispatching.remove(c);
        }
    }

    /** Hands every consumer the rest of its batch. */
    void flush() {
        for (int i = 0; i < dispatching.size(); i++) {
            QueueConsumer d = dispatching.get(i);
            d.target().deliver(d, d.takeBatch());
        }
        dispatching.clear();
    }
}
