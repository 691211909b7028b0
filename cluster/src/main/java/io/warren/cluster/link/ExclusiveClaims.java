package io.warren.cluster.link;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.Credit;
import io.warren.broker.queue.DeliveryTarget;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The home node's answer to "may a consumer start?" from another node, checked against every node's consumers of
 * the queue (they are all registered here), with RabbitMQ's rule: none while an exclusive consumer holds the queue,
 * and an exclusive one only on a queue without consumers. An exclusive consumer admitted holds the queue at once,
 * through a placeholder consumer that takes no messages, until its consume frame arrives on the same link (then
 * it is registered exclusive in the placeholder's stead), the link drops, or {@link #HOLD_SECONDS} pass. All on
 * the link connection's event loop, but the checks, on the queue's.
 */
final class ExclusiveClaims {
    static final int HOLD_SECONDS = 30;
    private final Map<String, ArrayDeque<QueueConsumer>> held = new HashMap<>();

    private static String key(String vhost, String queue) {
        return vhost + "\u0000" + queue;
    }

    /** Answers an admit request for the queue (null: not on this node). */
    void admit(Channel channel, AmqpQueue q, LinkFrames.Request r, String missing) {
        if (q == null) {
            channel.writeAndFlush(LinkFrames.admitted(channel.alloc(), r.id(), 404, missing));
            return;
        }
        boolean exclusive = r.noAck(); // the request's flag: whether the consumer is exclusive
        q.execute(() -> {
            if (q.isDeleted()) {
                reply(channel, r.id(), 404, missing);
            } else if (q.hasExclusiveConsumer() || exclusive && (q.consumerCount() > 0
                    || q.singleActiveConsumer())) {
                reply(channel, r.id(), 403, "queue '" + q.name() + "' in vhost '" + q.vhost()
                        + "' in exclusive use");
            } else if (!exclusive) {
                reply(channel, r.id(), 0, "");
            } else {
                QueueConsumer placeholder = new QueueConsumer("", q, new Placeholder(channel.eventLoop()), true,
                        true, Map.of(), 0, new Credit(0));
                q.addConsumer(placeholder);
                channel.eventLoop().execute(() -> {
                    held.computeIfAbsent(key(q.vhost(), q.name()), k -> new ArrayDeque<>()).add(placeholder);
                    channel.eventLoop().schedule(() -> release(q.vhost(), q.name(), placeholder), HOLD_SECONDS,
                            TimeUnit.SECONDS);
                    channel.writeAndFlush(LinkFrames.admitted(channel.alloc(), r.id(), 0, ""));
                });
            }
        });
    }

    private static void reply(Channel channel, long id, int code, String text) {
        channel.writeAndFlush(LinkFrames.admitted(channel.alloc(), id, code, text));
    }

    /** The placeholder an exclusive consumer of that queue was admitted with, or null: its consume frame came. */
    QueueConsumer take(String vhost, String queue) {
        ArrayDeque<QueueConsumer> d = held.get(key(vhost, queue));
        QueueConsumer c = d == null ? null : d.poll();
        if (d != null && d.isEmpty()) {
            held.remove(key(vhost, queue));
        }
        return c;
    }

    private void release(String vhost, String queue, QueueConsumer placeholder) {
        ArrayDeque<QueueConsumer> d = held.get(key(vhost, queue));
        if (d != null && d.remove(placeholder)) {
            if (d.isEmpty()) {
                held.remove(key(vhost, queue));
            }
            placeholder.queue().execute(() -> placeholder.queue().removeConsumer(placeholder));
        }
    }

    /** The link dropped: what was held is let go. */
    void releaseAll() {
        held.values().forEach(d -> d.forEach(p -> p.queue().execute(() -> p.queue().removeConsumer(p))));
        held.clear();
    }

    /** Takes no messages (it is never activated), and is told nothing. */
    private record Placeholder(EventExecutor executor) implements DeliveryTarget {
        @Override
        public void deliver(QueueConsumer consumer, List<QueueEntry> entries) {
        }

        @Override
        public void cancelledByServer(QueueConsumer consumer) {
        }

        @Override
        public boolean isWritable() {
            return false;
        }

        @Override
        public void channelSlotsUnused(QueueConsumer consumer, int slots) {
        }
    }
}
