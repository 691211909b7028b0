package io.warren.broker.connection;

import io.warren.broker.message.Message;
import io.warren.broker.queue.MessageQueue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Work a connection gathers for queues during one read batch: published messages and settled deliveries.
 * Flushed as one task per queue, so a queue thread is woken once per batch rather than once per message.
 */
final class QueueWorkBatch {
    private final IdentityHashMap<MessageQueue, Pending> pending = new IdentityHashMap<>();
    private final List<MessageQueue> order = new ArrayList<>();

    private static final class Pending {
        List<Message> messages;
        int settled;
    }

    private Pending pendingFor(MessageQueue q) {
        Pending p = pending.get(q);
        if (p == null) {
            p = new Pending();
            pending.put(q, p);
            order.add(q);
        }
        return p;
    }

    /** Takes over one reference of the message. */
    void publish(MessageQueue q, Message m) {
        Pending p = pendingFor(q);
        if (p.messages == null) {
            p.messages = new ArrayList<>();
        }
        p.messages.add(m);
    }

    void settle(MessageQueue q, int count) {
        pendingFor(q).settled += count;
    }

    boolean isEmpty() {
        return order.isEmpty();
    }

    void flush() {
        if (order.isEmpty()) {
            return;
        }
        for (int i = 0; i < order.size(); i++) {
            MessageQueue q = order.get(i);
            Pending p = pending.get(q);
            List<Message> messages = p.messages;
            int settled = p.settled;
            Runnable work = () -> {
                if (messages != null) {
                    q.enqueueAll(messages);
                }
                if (settled > 0) {
                    q.settled(settled);
                }
            };
            // a queue owned by this very thread takes its batch now: no task, no wake-up
            if (q.loop().inEventLoop()) {
                work.run();
            } else {
                q.execute(work);
            }
        }
        pending.clear();
        order.clear();
    }

    /** Drops everything not yet flushed (connection gone before the batch ended). */
    void discard() {
        for (Pending p : pending.values()) {
            if (p.messages != null) {
                p.messages.forEach(Message::release);
            }
        }
        pending.clear();
        order.clear();
    }
}
