package io.warren.cluster.quorum.front;

import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.cluster.quorum.deliver.DeliveryFrames;
import io.warren.cluster.quorum.deliver.QuorumConsumerTarget;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.Effect;
import io.warren.codec.ReplyCodes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The consumers on this node of one quorum queue, on the queue's loop. Each is checked out in the shard under a key
 * of this node, and registered in the node's {@link io.warren.cluster.quorum.deliver.QuorumEndpoints}, where the
 * shard's leader (whichever node it is) sends its deliveries. They wait here until the consumer's channel has room
 * and go to it as entries whose sequence is their msgId; a msgId the consumer already holds is dropped (a new
 * leader sends again what a consumer holds). Also remembers who holds each msgId, so that an ack, nack or reject
 * goes to the shard under the right key.
 */
final class QuorumConsumers {
    private final QuorumQueue queue;
    private final QuorumFront front;
    private final Map<QueueConsumer, Checked> consumers = new LinkedHashMap<>();
    /** msgId -> who holds it unsettled here (a consumer, or the node's getter). */
    private final Map<Long, ConsumerKey> holders = new HashMap<>();

    private static final class Checked {
        final ConsumerKey key;
        AmqpQueue.ConsumeAnswer answer;
        // the shard was told to stop delivering to it (Cancel sent)
        boolean stopped;
        final ArrayDeque<QueueEntry> waiting = new ArrayDeque<>();

        Checked(ConsumerKey key) {
            this.key = key;
        }
    }

    QuorumConsumers(QuorumQueue queue, QuorumFront front) {
        this.queue = queue;
        this.front = front;
    }

    /** basic.consume: the shard checks the consumer out (it refuses a second exclusive one, on any node). */
    void add(QueueConsumer c, AmqpQueue.ConsumeAnswer answer) {
        Checked k = new Checked(front.newConsumerKey());
        k.answer = answer;
        consumers.put(c, k);
        front.endpoints().register(k.key, target(c, k.key));
        queue.send(new Command.Checkout(queue.key(), k.key, Math.max(0, c.prefetch()), c.priority(),
                c.exclusive(), c.noAck()), (effect, reply, failure) -> queue.execute(() -> {
                    if (failure != null) {
                        refused(c, k, AmqpException.channel(ReplyCodes.NOT_FOUND, "quorum queue '%s' in vhost '%s' "
                                + "is not available: %s", queue.name(), queue.vhost(), failure.getMessage()));
                    } else if (effect instanceof Effect.ConsumerRefused r) {
                        refused(c, k, AmqpException.channel(ReplyCodes.ACCESS_REFUSED, "queue '%s' in vhost '%s' "
                                + "cannot be consumed: %s", queue.name(), queue.vhost(), r.why()));
                    } else if (k.answer != null) {
                        AmqpQueue.ConsumeAnswer a = k.answer;
                        k.answer = null;
                        a.added();
                    }
                }));
    }

    private void refused(QueueConsumer c, Checked k, AmqpException error) {
        if (consumers.remove(c) == null) {
            return;
        }
        front.endpoints().unregister(k.key);
        giveBack(k);
        if (k.answer != null) {
            k.answer.failed(error);
        }
    }

    private QuorumConsumerTarget target(QueueConsumer c, ConsumerKey key) {
        return new QuorumConsumerTarget() {
            @Override
            public void deliver(long msgId, boolean redelivered, int deliveryCount, Message message) {
                queue.execute(() -> arrived(c, key, msgId, redelivered, deliveryCount, message));
            }

            @Override
            public void deliverAll(List<DeliveryFrames.Delivery> batch) {
                queue.execute(() -> {
                    for (DeliveryFrames.Delivery d : batch) {
                        take(c, key, d.msgId(), d.redelivered(), d.deliveryCount(), d.message());
                    }
                    Checked k = consumers.get(c);
                    if (k != null) {
                        push(c, k);
                    }
                });
            }

            @Override
            public void cancelled(String why) {
                queue.execute(() -> ended(c));
            }
        };
    }

    private void arrived(QueueConsumer c, ConsumerKey key, long msgId, boolean redelivered, int deliveryCount,
                         Message m) {
        Checked k = take(c, key, msgId, redelivered, deliveryCount, m);
        if (k != null) {
            push(c, k);
        }
    }

    // queues the message for the consumer (null when it was dropped: the consumer is gone, or holds it already)
    private Checked take(QueueConsumer c, ConsumerKey key, long msgId, boolean redelivered, int deliveryCount,
                         Message m) {
        Checked k = consumers.get(c);
        if (k == null || (!c.noAck() && holders.containsKey(msgId))) {
            m.release(); // gone, or a duplicate after a leader change: it holds this one already
            if (k == null && !c.noAck()) {
                // the shard checked it out to this consumer, which is gone here: only its key gives it back
                queue.sendUntilApplied(new Command.Return(queue.key(), key, List.of(msgId), false));
            }
            return null;
        }
        if (!c.noAck()) {
            holders.put(msgId, k.key);
        }
        k.waiting.add(new QueueEntry(MessageFacts.withDeliveryCount(m, deliveryCount), msgId, redelivered, false,
                QueueEntry.NEVER));
        return k;
    }

    // hands the consumer what its credit and its channel's window allow, in order
    private void push(QueueConsumer c, Checked k) {
        List<QueueEntry> batch = null;
        while (!k.waiting.isEmpty() && c.isActive() && c.tryReserveOrMarkStarved()) {
            if (batch == null) {
                batch = new ArrayList<>();
            }
            batch.add(k.waiting.poll());
        }
        if (batch != null) {
            c.target().deliver(c, batch);
        }
    }

    void activate(QueueConsumer c) {
        Checked k = consumers.get(c);
        if (k == null) {
            return;
        }
        c.activate();
        push(c, k);
    }

    void drain() {
        consumers.forEach(this::push);
    }

    /** basic.cancel or its channel closed: what it holds unacked stays until the channel settles or returns it. */
    void remove(QueueConsumer c) {
        Checked k = consumers.remove(c);
        if (k == null) {
            return;
        }
        front.endpoints().unregister(k.key);
        if (!k.stopped) {
            queue.sendUntilApplied(new Command.Cancel(queue.key(), k.key, false));
        }
        giveBack(k);
    }

    /**
     * Tells the shard to stop delivering to the consumers their channels have let go of. A closing channel gives
     * back what its consumers hold before it cancels them; the shard would check what comes back out to the same
     * consumer again (it still has credit there), and the cancel that follows would leave it held by nobody.
     */
    void stopCancelled() {
        for (Map.Entry<QueueConsumer, Checked> e : consumers.entrySet()) {
            Checked k = e.getValue();
            if (!k.stopped && e.getKey().isCancelled()) {
                k.stopped = true;
                queue.sendUntilApplied(new Command.Cancel(queue.key(), k.key, false));
            }
        }
    }

    // what waited here never reached the consumer: back to the queue, not counted as a failed delivery
    private void giveBack(Checked k) {
        if (k.waiting.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        for (QueueEntry e : k.waiting) {
            e.releaseMessage();
            if (holders.remove(e.sequence()) != null) {
                ids.add(e.sequence());
            }
        }
        k.waiting.clear();
        if (!ids.isEmpty()) {
            queue.sendUntilApplied(new Command.Return(queue.key(), k.key, ids, false));
        }
    }

    private void ended(QueueConsumer c) {
        Checked k = consumers.remove(c);
        if (k == null) {
            return;
        }
        front.endpoints().unregister(k.key);
        k.waiting.forEach(QueueEntry::releaseMessage);
        k.waiting.forEach(e -> holders.remove(e.sequence()));
        k.waiting.clear();
        c.target().cancelledByServer(c);
    }

    /** The queue is deleted: every consumer is told. */
    void deleted() {
        for (QueueConsumer c : List.copyOf(consumers.keySet())) {
            ended(c);
        }
    }

    /** A message got with ack is held by this node's getter. */
    void got(long msgId) {
        holders.put(msgId, front.getter());
    }

    /** Who holds the message (the getter when nobody here remembers it), forgetting it when it is settled. */
    ConsumerKey keyOf(long msgId, Boolean forget) {
        ConsumerKey k = Boolean.TRUE.equals(forget) ? holders.remove(msgId) : holders.get(msgId);
        return k == null ? front.getter() : k;
    }

    /** Sends one command per holder for these msgIds (settled, returned or discarded: they are no longer held). */
    void perHolder(List<Long> msgIds, java.util.function.BiFunction<ConsumerKey, List<Long>, Command> command,
                   Consumer<Command> send) {
        Map<ConsumerKey, List<Long>> byHolder = new LinkedHashMap<>();
        for (long id : msgIds) {
            byHolder.computeIfAbsent(keyOf(id, true), x -> new ArrayList<>()).add(id);
        }
        byHolder.forEach((key, ids) -> send.accept(command.apply(key, ids)));
    }

    boolean hasExclusive() {
        for (QueueConsumer c : consumers.keySet()) {
            if (c.exclusive()) {
                return true;
            }
        }
        return false;
    }

    int count() {
        return consumers.size();
    }

    List<QueueConsumer> list() {
        return List.copyOf(consumers.keySet());
    }
}
