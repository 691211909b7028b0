package io.warren.broker.connection;

import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueWork;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Work a connection gathers for queues during one read batch: published messages and settled deliveries.
 * Flushed as one task per queue, so a queue thread is woken once per batch rather than once per message.
 */
final class QueueWorkBatch {
    private final IdentityHashMap<AmqpQueue, QueueWork> pending = new IdentityHashMap<>();
    private final List<AmqpQueue> order = new ArrayList<>();

    private QueueWork pendingFor(AmqpQueue q) {
        QueueWork w = pending.get(q);
        if (w == null) {
            w = new QueueWork(q.keepsSettledEntries());
            pending.put(q, w);
            order.add(q);
        }
        return w;
    }

    /** Takes over one reference of the message; barrier (or null) waits for the queue to have it on disk. */
    void publish(AmqpQueue q, Message m, PublishBarrier barrier, long confirmTag) {
        pendingFor(q).publish(m, barrier, confirmTag);
    }

    void reject(AmqpQueue q, QueueEntry entry) {
        pendingFor(q).reject(entry);
    }

    void settle(AmqpQueue q, QueueEntry entry) {
        pendingFor(q).settle(entry);
    }

    boolean isEmpty() {
        return order.isEmpty();
    }

    void flush() {
        if (order.isEmpty()) {
            return;
        }
        for (int i = 0; i < order.size(); i++) {
            AmqpQueue q = order.get(i);
            QueueWork work = pending.get(q);
            // a queue owned by this very thread takes its batch now: no task, no wake-up
            if (q.loop().inEventLoop()) {
                q.take(work);
            } else {
                q.execute(() -> q.take(work));
            }
        }
        pending.clear();
        order.clear();
    }

    /** Drops everything not yet flushed (connection gone before the batch ended). */
    void discard() {
        for (QueueWork w : pending.values()) {
            w.discard();
        }
        pending.clear();
        order.clear();
    }
}
