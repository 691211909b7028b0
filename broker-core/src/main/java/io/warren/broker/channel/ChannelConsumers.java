package io.warren.broker.channel;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.Credit;
import io.warren.broker.queue.DeliveryTarget;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.stats.ChannelCounters;
import io.warren.broker.vhost.ReplyToRegistry;
import io.warren.codec.methods.Basic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The consumers of one channel, and the writing of the deliveries queues hand them. */
final class ChannelConsumers implements DeliveryTarget, ReplyToRegistry.ReplyTarget {
    private final AmqpChannel channel;
    private final AmqpConnection connection;
    private final UnackedDeliveries unacked;
    private final Credit window;
    private final Map<String, QueueConsumer> byTag = new LinkedHashMap<>();
    // the same consumers, walked by index when slots of the window are handed out (no iterator per ack)
    private final List<QueueConsumer> inOrder = new ArrayList<>();
    // counts the channel's delivery writes, to tell which consumer was served least recently
    private long serveClock;
    private String replyToTag;
    private String replyToAddress;

    ChannelConsumers(AmqpChannel channel, AmqpConnection connection, UnackedDeliveries unacked, Credit window) {
        this.channel = channel;
        this.connection = connection;
        this.unacked = unacked;
        this.window = window;
    }

    boolean has(String tag) {
        return byTag.containsKey(tag) || tag.equals(replyToTag);
    }

    void add(QueueConsumer c) {
        byTag.put(c.tag(), c);
        inOrder.add(c);
    }

    QueueConsumer remove(String tag) {
        QueueConsumer c = byTag.remove(tag);
        if (c != null) {
            inOrder.remove(c);
        }
        return c;
    }

    Collection<QueueConsumer> all() {
        return byTag.values();
    }

    int count() {
        return byTag.size() + (replyToTag != null ? 1 : 0);
    }

    // ---- direct reply-to ----

    boolean consumesReplies() {
        return replyToTag != null;
    }

    String replyToAddress() {
        return replyToAddress;
    }

    void startReplies(String tag) {
        replyToTag = tag;
        replyToAddress = connection.vhost().replyTo().register(this);
    }

    boolean stopReplies(String tag) {
        if (!tag.equals(replyToTag)) {
            return false;
        }
        connection.vhost().replyTo().unregister(replyToAddress);
        replyToTag = null;
        replyToAddress = null;
        return true;
    }

    @Override
    public void deliverReply(Message message) {
        connection.executor().execute(() -> {
            try {
                if (channel.isOpen() && replyToTag != null) {
                    long tag = unacked.nextTag();
                    connection.output().content(channel.number(),
                            new Basic.Deliver(replyToTag, tag, false, message.exchange(), message.routingKey()),
                            message);
                    connection.output().flush();
                }
            } finally {
                message.release();
            }
        });
    }

    // ---- deliveries from queues ----

    @Override
    public void deliver(QueueConsumer consumer, List<QueueEntry> entries) {
        // a queue on the consumer's own thread writes at once; others hand the batch over
        if (connection.executor().inEventLoop()) {
            write(consumer, entries);
        } else {
            connection.executor().execute(() -> write(consumer, entries));
        }
    }

    private void write(QueueConsumer c, List<QueueEntry> entries) {
        if (!channel.isOpen() || byTag.get(c.tag()) != c) {
            bounce(c, entries);
            return;
        }
        var out = connection.output();
        int number = channel.number();
        AmqpQueue q = c.queue();
        boolean noAck = c.noAck();
        int redelivered = 0;
        for (int i = 0, n = entries.size(); i < n; i++) {
            QueueEntry e = entries.get(i);
            Message m = e.message();
            if (e.redelivered()) {
                redelivered++;
            }
            long tag = unacked.nextTag();
            out.content(number, new Basic.Deliver(c.tag(), tag, e.redelivered(), m.exchange(), m.routingKey()), m);
            if (noAck) {
                m.release();
            } else {
                unacked.add(new UnackedDeliveries.Delivery(tag, e, q, c));
                e.wroteDelivery(); // the socket holds the body now; past the queue's window the entry lets go
            }
        }
        ChannelCounters counters = channel.counters();
        counters.add(noAck ? ChannelCounters.DELIVERED_NO_ACK : ChannelCounters.DELIVERED, entries.size());
        c.channelShare().served(++serveClock);
        if (redelivered > 0) {
            counters.add(ChannelCounters.REDELIVERED, redelivered);
        }
        if (!c.creditIsReleasedOnAck()) {
            c.release(entries.size());
            c.wakeIfStarved();
        }
        out.flush();
    }

    /** Deliveries for a consumer that is gone: back to the queue, unseen. */
    private void bounce(QueueConsumer c, List<QueueEntry> entries) {
        AmqpQueue q = c.queue();
        boolean counted = !c.noAck();
        c.release(entries.size());
        q.execute(() -> q.requeueUndelivered(entries, counted));
        if (counted) {
            // the slots of the channel's window they took may be what another consumer of this channel waits for
            share(entries.size());
        }
    }

    /**
     * Hands slots of the channel's window, freed and still counted, to the consumers waiting for one: each to the
     * waiting consumer served least recently, so that the channel's queues take turns (RabbitMQ wakes them in random
     * order, which is fair on average); slots nobody waits for go back to the window.
     */
    void share(int slots) {
        int limit = window.limit();
        if (limit <= 0) {
            return; // nothing is counted without a window
        }
        // a window lowered below what is outstanding: these slots make no room, they only bring the count down
        int over = Math.min(slots, window.outstanding() - limit);
        if (over > 0) {
            window.giveBack(over);
            slots -= over;
        }
        while (slots > 0) {
            QueueConsumer next = null;
            for (int i = 0, n = inOrder.size(); i < n; i++) {
                QueueConsumer c = inOrder.get(i);
                if (c.channelShare().waiting()
                        && (next == null || c.channelShare().lastServed() < next.channelShare().lastServed())) {
                    next = c;
                }
            }
            if (next == null) {
                break;
            }
            if (next.grantChannelSlot()) {
                slots--;
            }
        }
        if (slots > 0) {
            window.giveBack(slots);
            wakeStarved();
        }
    }

    @Override
    public void channelSlotsUnused(QueueConsumer consumer, int slots) {
        if (connection.executor().inEventLoop()) {
            share(slots);
        } else {
            connection.executor().execute(() -> share(slots));
        }
    }

    @Override
    public void cancelledByServer(QueueConsumer consumer) {
        connection.executor().execute(() -> {
            if (byTag.remove(consumer.tag(), consumer) && inOrder.remove(consumer) && channel.isOpen()) {
                connection.output().method(channel.number(), new Basic.Cancel(consumer.tag(), true));
                connection.output().flush();
            }
        });
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable();
    }

    @Override
    public EventExecutor executor() {
        return connection.executor();
    }

    void wakeStarved() {
        for (int i = 0, n = inOrder.size(); i < n; i++) {
            inOrder.get(i).wakeIfStarved();
        }
    }

    /** Cancels every consumer (channel closing); their queues forget them. */
    void cancelAll() {
        for (QueueConsumer c : new ArrayList<>(byTag.values())) {
            AmqpQueue q = c.queue();
            q.execute(() -> q.removeConsumer(c));
        }
        byTag.clear();
        inOrder.clear();
        if (replyToTag != null) {
            stopReplies(replyToTag);
        }
    }
}
