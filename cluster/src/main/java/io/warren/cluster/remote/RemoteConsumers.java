package io.warren.cluster.remote;

import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.cluster.link.ClusterLink;
import io.warren.cluster.link.ConsumerSink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consumers on this node of a queue on another, all on the proxy's loop. Each is registered on the home node,
 * which pushes its messages within the consumer's prefetch; here they wait until the consumer's channel has room
 * (its credit and its channel's window, as for a local queue) and are handed to it as entries whose sequence is
 * their delivery id on the home node, by which their acks, nacks and rejects go back.
 */
final class RemoteConsumers {
    private final AmqpQueue queue;
    private final String home;
    private final ClusterLink link;
    private final Map<QueueConsumer, Linked> consumers = new LinkedHashMap<>();

    /** One consumer: its id on the link, and what arrived for it that its channel has no room for yet. */
    private static final class Linked {
        long id;
        final ArrayDeque<QueueEntry> waiting = new ArrayDeque<>();
    }

    RemoteConsumers(AmqpQueue queue, String home, ClusterLink link) {
        this.queue = queue;
        this.home = home;
        this.link = link;
    }

    void add(QueueConsumer c) {
        consumers.put(c, new Linked());
    }

    /** Its consume-ok is on the wire: the home node may start delivering. */
    void activate(QueueConsumer c) {
        Linked l = consumers.get(c);
        if (l == null) {
            return;
        }
        c.activate();
        ConsumerSink sink = new ConsumerSink() {
            @Override
            public void deliver(List<Delivery> deliveries) {
                queue.execute(() -> arrived(c, deliveries));
            }

            @Override
            public void cancelled(String why) {
                queue.execute(() -> ended(c));
            }
        };
        l.id = link.consume(home, queue.vhost(), queue.name(), c.tag(), c.prefetch(), c.noAck(), c.priority(), sink);
    }

    private void arrived(QueueConsumer c, List<ConsumerSink.Delivery> deliveries) {
        Linked l = consumers.get(c);
        if (l == null) {
            deliveries.forEach(d -> d.message().release());
            long[] ids = deliveries.stream().mapToLong(ConsumerSink.Delivery::id).filter(d -> d != 0).toArray();
            if (ids.length > 0) {
                link.requeue(home, ids, true);
            }
            return;
        }
        for (ConsumerSink.Delivery d : deliveries) {
            l.waiting.add(new QueueEntry(d.message(), d.id(), d.redelivered(), false, QueueEntry.NEVER));
        }
        push(c, l);
    }

    // hands the consumer what its credit and its channel's window allow, in order
    private void push(QueueConsumer c, Linked l) {
        List<QueueEntry> batch = null;
        while (!l.waiting.isEmpty() && c.isActive() && c.tryReserveOrMarkStarved()) {
            if (batch == null) {
                batch = new ArrayList<>();
            }
            batch.add(l.waiting.poll());
        }
        if (batch != null) {
            c.target().deliver(c, batch);
        }
    }

    /** Credit came back, or a channel's window opened: delivers what waits. */
    void drain() {
        consumers.forEach(this::push);
    }

    /** The home node ended the consumer (its queue deleted) or the link dropped: the channel is told. */
    private void ended(QueueConsumer c) {
        Linked l = consumers.remove(c);
        if (l != null) {
            l.waiting.forEach(QueueEntry::releaseMessage);
            c.target().cancelledByServer(c);
        }
    }

    void remove(QueueConsumer c) {
        Linked l = consumers.remove(c);
        if (l == null) {
            return;
        }
        link.cancel(home, l.id);
        giveBack(l);
    }

    // what waited here never reached the consumer: back to the home queue, unmarked
    private void giveBack(Linked l) {
        if (l.waiting.isEmpty()) {
            return;
        }
        long[] ids = l.waiting.stream().mapToLong(QueueEntry::sequence).filter(d -> d != 0).toArray();
        l.waiting.forEach(QueueEntry::releaseMessage);
        l.waiting.clear();
        if (ids.length > 0) {
            link.requeue(home, ids, true);
        }
    }

    /** The queue is deleted: every consumer is told, and lets go of what waited. */
    void deleted() {
        for (Map.Entry<QueueConsumer, Linked> e : List.copyOf(consumers.entrySet())) {
            consumers.remove(e.getKey());
            link.cancel(home, e.getValue().id);
            e.getValue().waiting.forEach(QueueEntry::releaseMessage);
            e.getKey().target().cancelledByServer(e.getKey());
        }
    }

    int count() {
        return consumers.size();
    }

    List<QueueConsumer> list() {
        return List.copyOf(consumers.keySet());
    }
}
