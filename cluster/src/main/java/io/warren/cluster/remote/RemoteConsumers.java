package io.warren.cluster.remote;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.cluster.link.ClusterLink;
import io.warren.cluster.link.ConsumerSink;
import io.warren.codec.ReplyCodes;
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

    /** One consumer: its id on the link, its answer until the home node gave one, and what waits for room. */
    private static final class Linked {
        long id;
        AmqpQueue.ConsumeAnswer answer;
        final ArrayDeque<QueueEntry> waiting = new ArrayDeque<>();
    }

    RemoteConsumers(AmqpQueue queue, String home, ClusterLink link) {
        this.queue = queue;
        this.home = home;
        this.link = link;
    }

    void add(QueueConsumer c) {
        add(c, new AmqpQueue.ConsumeAnswer() {
            @Override
            public void added() {
            }

            @Override
            public void failed(AmqpException error) {
                c.target().cancelledByServer(c);
            }
        });
    }

    /**
     * Registers the consumer on the home node with every argument of its basic.consume; answer hears, on the
     * proxy's loop, whether the home node took it (it checks exclusive use against every node's consumers). What
     * the home node sends before the consumer is activated here waits for it.
     */
    void add(QueueConsumer c, AmqpQueue.ConsumeAnswer answer) {
        Linked l = new Linked();
        l.answer = answer;
        consumers.put(c, l);
        ConsumerSink sink = new ConsumerSink() {
            @Override
            public void deliver(List<Delivery> deliveries) {
                queue.execute(() -> arrived(c, deliveries));
            }

            @Override
            public void consumed(int code, String text) {
                queue.execute(() -> answered(c, code, text));
            }

            @Override
            public void cancelled(String why) {
                queue.execute(() -> ended(c));
            }
        };
        Map<String, Object> arguments = c.arguments() == null ? Map.of() : c.arguments();
        l.id = link.consume(home, queue.vhost(), queue.name(), c.tag(), c.prefetch(), c.noAck(), c.exclusive(),
                arguments, sink);
    }

    private void answered(QueueConsumer c, int code, String text) {
        Linked l = consumers.get(c);
        if (l == null || l.answer == null) {
            return;
        }
        AmqpQueue.ConsumeAnswer a = l.answer;
        l.answer = null;
        if (code == 0) {
            a.added();
            return;
        }
        consumers.remove(c);
        l.waiting.forEach(QueueEntry::releaseMessage);
        String prefix = ReplyCodes.name(code) + " - "; // the home node's text already names its code
        String detail = text.startsWith(prefix) ? text.substring(prefix.length()) : text;
        a.failed(code >= 500 ? AmqpException.connection(code, "%s", detail)
                : AmqpException.channel(code, "%s", detail));
    }

    /** Its consume-ok is on the wire: it takes what the home node sent it. */
    void activate(QueueConsumer c) {
        Linked l = consumers.get(c);
        if (l == null) {
            return;
        }
        c.activate();
        push(c, l);
    }

    /** True when a consumer here holds the queue in exclusive use. */
    boolean hasExclusive() {
        for (QueueConsumer c : consumers.keySet()) {
            if (c.exclusive()) {
                return true;
            }
        }
        return false;
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
        if (l == null) {
            return;
        }
        l.waiting.forEach(QueueEntry::releaseMessage);
        if (l.answer != null) {
            // the link dropped before the home node answered: the consume fails as one on a node that is down
            AmqpQueue.ConsumeAnswer a = l.answer;
            l.answer = null;
            a.failed(AmqpException.channel(ReplyCodes.NOT_FOUND, "home node '%s' of durable queue '%s' in vhost "
                    + "'%s' is down or inaccessible", home, queue.name(), queue.vhost()));
            return;
        }
        c.target().cancelledByServer(c);
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
