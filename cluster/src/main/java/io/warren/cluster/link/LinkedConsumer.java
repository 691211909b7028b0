package io.warren.cluster.link;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.queue.DeliveryTarget;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import java.util.List;

/**
 * A consumer on another node, as its home queue sees it: what the queue hands it is written to the link as one
 * deliver frame per batch; unacked entries wait in the link's session for the other node to settle them.
 */
final class LinkedConsumer implements DeliveryTarget {
    private final long id;
    private final Channel channel;
    private final HomeSession session;

    LinkedConsumer(long id, Channel channel, HomeSession session) {
        this.id = id;
        this.channel = channel;
        this.session = session;
    }

    long id() {
        return id;
    }

    @Override
    public void deliver(QueueConsumer consumer, List<QueueEntry> entries) {
        int n = entries.size();
        FrameBuilder f = new FrameBuilder(channel.alloc(), LinkFrames.DELIVER, n);
        f.fields().writeLong(id);
        f.fields().writeInt(n);
        boolean noAck = consumer.noAck();
        for (QueueEntry e : entries) {
            long delivery = noAck ? 0 : session.unacked(e, consumer);
            f.fields().writeLong(delivery);
            f.fields().writeBoolean(e.redelivered());
            f.message(e.message());
            if (noAck) {
                e.message().release(); // the frame holds its own slices, as a channel's socket does
            } else {
                e.wroteDelivery();
            }
        }
        channel.writeAndFlush(f.finish(), channel.voidPromise());
        if (!consumer.creditIsReleasedOnAck()) {
            consumer.release(n);
            consumer.wakeIfStarved();
        }
    }

    @Override
    public void cancelledByServer(QueueConsumer consumer) {
        session.forget(id);
        channel.writeAndFlush(LinkFrames.cancel(channel.alloc(), LinkFrames.CANCELLED, id,
                "queue '" + consumer.queue().name() + "' in vhost '" + consumer.queue().vhost() + "' was deleted"),
                channel.voidPromise());
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void channelSlotsUnused(QueueConsumer consumer, int slots) {
        // no channel window on this side: the consumer's own node applies its channel's
    }

    @Override
    public EventExecutor executor() {
        return channel.eventLoop();
    }
}
