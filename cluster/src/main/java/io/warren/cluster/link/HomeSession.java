package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.warren.broker.Broker;
import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.ConsumeChecks;
import io.warren.broker.queue.Credit;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.remote.RemoteQueue;
import io.warren.codec.ReplyCodes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The home node's end of one link connection from another node: takes the batches it publishes to this node's
 * queues (answering a confirming batch once the queue has fsynced it, through the same {@link PublishBarrier} a
 * local channel waits on), runs its consumers here, and takes their settlements. When the connection drops, its
 * consumers go and what they had not settled goes back to its queues, as for a closed channel.
 */
final class HomeSession extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(HomeSession.class);
    private final Supplier<Broker> broker;
    private final Map<Long, QueueConsumer> consumers = new ConcurrentHashMap<>();
    private final Map<Long, Held> unacked = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private Channel channel;
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long RETRY_MILLIS = 20;
    // frames waiting for their queue to appear here, in order (link thread only)
    private final ArrayDeque<ByteBuf> deferred = new ArrayDeque<>();
    private long deferredSince;
    // a publish connection (it said so first): its publish frames handed to their queues, and the count last told
    private final java.util.function.Consumer<LaneFlow> onPublishLane;
    // set once the connection said it carries publishes: pauses its reading for queues in flow
    private LaneFlow lane;
    private long handledPublishes;
    private long toldHandled;

    /** A delivery the other node has not settled yet; consumer is null for a basic.get. */
    private record Held(QueueEntry entry, QueueConsumer consumer, AmqpQueue queue) {
    }

    HomeSession(Supplier<Broker> broker, java.util.function.Consumer<LaneFlow> onPublishLane) {
        this.broker = broker;
        this.onPublishLane = onPublishLane;
    }

    /** Queue thread: remembers an entry delivered for acknowledgement; returns its delivery id. */
    long unacked(QueueEntry e, QueueConsumer consumer) {
        long id = deliveries.incrementAndGet();
        unacked.put(id, new Held(e, consumer, consumer.queue()));
        return id;
    }

    void forget(long consumerId) {
        consumers.remove(consumerId);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
        if (!deferred.isEmpty()) {
            deferred.add(in.retain());
            return;
        }
        if (!ready(in)) {
            deferredSince = System.nanoTime();
            deferred.add(in.retain());
            ctx.executor().schedule(() -> retry(ctx), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        handle(ctx, in);
    }

    /**
     * False while the frame names a queue this node does not have in memory yet: a queue declared on another node
     * with this one as its home is committed once a majority has it, which may be before this node applied it.
     * The frame and every one after it (their order matters) wait, for at most {@link #GRACE_NANOS}.
     */
    private boolean ready(ByteBuf in) {
        byte type = in.getByte(in.readerIndex());
        if (type != LinkFrames.PUBLISH && type != LinkFrames.CONSUME && type != LinkFrames.GET
                && type != LinkFrames.PURGE && type != LinkFrames.COUNT && type != LinkFrames.CONSUME_ARGS
                && type != LinkFrames.TAKE) {
            return true;
        }
        int at = in.readerIndex();
        in.skipBytes(1 + 8); // type and id: every frame that names a queue starts with vhost and queue next
        String vhost = LinkFrames.readString(in);
        String queue = LinkFrames.readString(in);
        in.readerIndex(at);
        return localQueue(vhost, queue) != null;
    }

    private void retry(ChannelHandlerContext ctx) {
        while (!deferred.isEmpty()) {
            ByteBuf head = deferred.peek();
            if (!ready(head) && System.nanoTime() - deferredSince < GRACE_NANOS && ctx.channel().isActive()) {
                ctx.executor().schedule(() -> retry(ctx), RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            deferred.poll();
            try {
                if (ctx.channel().isActive()) {
                    handle(ctx, head); // past the grace, a frame for a queue still missing is answered as such
                }
            } finally {
                head.release();
            }
            deferredSince = System.nanoTime();
        }
        tellHandled();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        tellHandled(); // once per read batch, not per frame
        ctx.fireChannelReadComplete();
    }

    // the other node's gets, purges and counts for a queue wait for this (see PublishOrder)
    private void tellHandled() {
        if (lane != null && handledPublishes != toldHandled && channel.isActive()) {
            toldHandled = handledPublishes;
            channel.writeAndFlush(LinkFrames.handled(channel.alloc(), handledPublishes), channel.voidPromise());
        }
    }

    private void handle(ChannelHandlerContext ctx, ByteBuf in) {
        byte type = in.readByte();
        switch (type) {
            case LinkFrames.PUBLISH -> {
                publish(LinkFrames.readPublish(in));
                handledPublishes++;
            }
            case LinkFrames.PUBLISH_LANE -> {
                lane = new LaneFlow(ctx.channel());
                onPublishLane.accept(lane);
            }
            case LinkFrames.CONSUME -> consume(LinkFrames.readConsume(in));
            case LinkFrames.CONSUME_ARGS -> consume(LinkFrames.readConsumeArgs(in));
            case LinkFrames.TAKE -> take(LinkFrames.readTake(in));
            case LinkFrames.SETTLE -> settle(in);
            case LinkFrames.CANCEL -> cancel(in.readLong());
            case LinkFrames.GET -> get(LinkFrames.readRequest(in));
            case LinkFrames.PURGE -> purge(LinkFrames.readRequest(in));
            case LinkFrames.COUNT -> count(LinkFrames.readRequest(in));
            default -> {
                LOG.warn("cluster link from {}: unknown frame type {}; closing it", channel.remoteAddress(), type);
                ctx.close();
            }
        }
    }

    private void publish(LinkFrames.Publish p) {
        AmqpQueue q = localQueue(p.vhost(), p.queue());
        if (q == null) {
            p.messages().forEach(Message::release);
            if (p.id() != 0) {
                channel.writeAndFlush(LinkFrames.published(channel.alloc(), p.id(), LinkFrames.FAILED, new int[0],
                        missing(p.vhost(), p.queue())));
            }
            return;
        }
        if (lane != null) {
            lane.publishedTo(q);
        }
        QueueWork work = new QueueWork();
        if (p.id() == 0) {
            p.messages().forEach(m -> work.publish(m, null));
            q.execute(() -> q.take(work));
            return;
        }
        PublishBarrier barrier = new PublishBarrier(b -> answer(p.id(), b));
        for (int i = 0; i < p.messages().size(); i++) {
            barrier.expect(); // one hold per message, released by the queue once it has it on disk
            // tags are indices + 1 (0 means none): a refusal names the message by its place in the batch
            work.publish(p.messages().get(i), barrier, i + 1);
        }
        q.execute(() -> {
            q.take(work);
            barrier.release(1); // the link's own hold, as a channel's at the end of its batch
        });
    }

    private void answer(long id, PublishBarrier b) {
        long[] tags = b.refusedTags();
        int[] refused = new int[tags.length];
        for (int i = 0; i < tags.length; i++) {
            refused[i] = (int) tags[i] - 1;
        }
        byte outcome = b.failure() == null ? LinkFrames.OK : LinkFrames.FAILED;
        String error = b.failure() == null ? null : b.failure().getMessage();
        channel.writeAndFlush(LinkFrames.published(channel.alloc(), id, outcome, refused, error));
    }

    private void consume(LinkFrames.Consume c) {
        AmqpQueue q = localQueue(c.vhost(), c.queue());
        if (q == null) {
            channel.writeAndFlush(LinkFrames.cancel(channel.alloc(), LinkFrames.CANCELLED, c.id(),
                    missing(c.vhost(), c.queue())));
            return;
        }
        LinkedConsumer target = new LinkedConsumer(c.id(), channel, this);
        // the consumer's own node applies its channel's window; here only the consumer's prefetch counts
        Map<String, Object> arguments = c.priority() == 0 ? Map.of() : Map.of("x-priority", c.priority());
        QueueConsumer consumer = new QueueConsumer(c.tag(), q, target, c.noAck(), false, arguments, c.prefetch(),
                new Credit(0));
        consumers.put(c.id(), consumer);
        q.execute(() -> {
            q.addConsumer(consumer);
            q.activate(consumer);
        });
    }

    /**
     * A consumer with every argument of its basic.consume, checked here as a channel here checks one (exclusive use
     * against every node's consumers of the queue), and answered before it takes anything.
     */
    private void consume(LinkFrames.ConsumeArgs c) {
        AmqpQueue q = localQueue(c.vhost(), c.queue());
        if (q == null) {
            channel.writeAndFlush(LinkFrames.consumed(channel.alloc(), c.id(), ReplyCodes.NOT_FOUND,
                    missing(c.vhost(), c.queue())));
            return;
        }
        LinkedConsumer target = new LinkedConsumer(c.id(), channel, this);
        // the consumer's own node applies its channel's window; here only the consumer's prefetch counts
        QueueConsumer consumer = new QueueConsumer(c.tag(), q, target, c.noAck(), c.exclusive(), c.arguments(),
                c.prefetch(), new Credit(0));
        consumers.put(c.id(), consumer); // before the queue has it: a cancel right behind finds it
        q.execute(() -> {
            AmqpException refused = ConsumeChecks.refusal(q, consumer);
            if (refused == null) {
                try {
                    q.addConsumer(consumer);
                } catch (AmqpException e) {
                    refused = e;
                } catch (RuntimeException e) {
                    // the other node's channel waits for an answer: it must get one
                    LOG.warn("{}: cannot take a consumer from {}: {}", q, channel.remoteAddress(), e.toString());
                    refused = AmqpException.connection(ReplyCodes.INTERNAL_ERROR, "%s", e.toString());
                }
            }
            if (refused != null) {
                consumers.remove(c.id());
                channel.writeAndFlush(LinkFrames.consumed(channel.alloc(), c.id(), refused.replyCode(),
                        refused.replyText()));
                return;
            }
            channel.writeAndFlush(LinkFrames.consumed(channel.alloc(), c.id(), 0, null));
            q.activate(consumer); // the other node holds what arrives until its client has consume-ok
        });
    }

    private void settle(ByteBuf in) {
        byte kind = in.readByte();
        int n = in.readInt();
        Map<AmqpQueue, List<QueueEntry>> byQueue = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Held h = unacked.remove(in.readLong());
            if (h == null) {
                continue; // delivered on a connection that dropped since: its queue has it back already
            }
            if (h.consumer() != null && h.consumer().creditIsReleasedOnAck()) {
                h.consumer().release(1);
            }
            byQueue.computeIfAbsent(h.queue(), k -> new ArrayList<>()).add(h.entry());
        }
        byQueue.forEach((q, entries) -> q.execute(() -> settle(q, kind, entries)));
    }

    // queue thread
    private static void settle(AmqpQueue q, byte kind, List<QueueEntry> entries) {
        switch (kind) {
            case LinkFrames.ACK, LinkFrames.REJECT -> {
                QueueWork work = new QueueWork(q.keepsSettledEntries());
                for (QueueEntry e : entries) {
                    if (kind == LinkFrames.ACK) {
                        e.releaseMessage(); // as a channel does on ack; a reject hands the message to the queue
                        work.settle(e);
                    } else {
                        work.reject(e);
                    }
                }
                q.take(work);
            }
            case LinkFrames.REQUEUE -> q.requeue(entries, true);
            default -> q.requeueUndelivered(entries, true);
        }
    }

    private void get(LinkFrames.Request r) {
        AmqpQueue q = localQueue(r.vhost(), r.queue());
        if (q == null) {
            channel.writeAndFlush(LinkFrames.failed(channel.alloc(), LinkFrames.GOT, r.id(),
                    missing(r.vhost(), r.queue())));
            return;
        }
        q.execute(() -> {
            q.touch();
            QueueEntry e = q.poll(r.noAck());
            if (e == null) {
                channel.writeAndFlush(LinkFrames.gotEmpty(channel.alloc(), r.id()));
                return;
            }
            long delivery = r.noAck() ? 0 : deliveries.incrementAndGet();
            if (delivery != 0) {
                unacked.put(delivery, new Held(e, null, q));
            }
            channel.writeAndFlush(LinkFrames.got(channel.alloc(), r.id(), delivery, e.redelivered(), q.readyCount(),
                    e.message()));
            if (r.noAck()) {
                e.releaseMessage();
            } else {
                e.wroteDelivery();
            }
        });
    }

    // up to max ready messages in one frame, each unacked here until the other node settles it (a move)
    private void take(LinkFrames.Take t) {
        AmqpQueue q = localQueue(t.vhost(), t.queue());
        if (q == null) {
            channel.writeAndFlush(LinkFrames.failed(channel.alloc(), LinkFrames.TAKEN, t.id(),
                    missing(t.vhost(), t.queue())));
            return;
        }
        q.execute(() -> {
            List<QueueEntry> taken = new ArrayList<>();
            try {
                QueueEntry e;
                while (taken.size() < t.max() && (e = q.poll(false)) != null) {
                    taken.add(e);
                }
            } catch (AmqpException refused) { // a stream has no such thing
                if (!taken.isEmpty()) {
                    q.requeueUndelivered(taken, true);
                }
                channel.writeAndFlush(LinkFrames.failed(channel.alloc(), LinkFrames.TAKEN, t.id(),
                        refused.replyText()));
                return;
            }
            FrameBuilder f = new FrameBuilder(channel.alloc(), LinkFrames.TAKEN, taken.size());
            f.fields().writeLong(t.id());
            f.fields().writeByte(0);
            f.fields().writeInt(taken.size());
            for (QueueEntry entry : taken) {
                long delivery = deliveries.incrementAndGet();
                unacked.put(delivery, new Held(entry, null, q));
                f.fields().writeLong(delivery);
                f.fields().writeBoolean(entry.redelivered());
                f.message(entry.message());
                entry.wroteDelivery();
            }
            channel.writeAndFlush(f.finish());
        });
    }

    private void purge(LinkFrames.Request r) {
        AmqpQueue q = localQueue(r.vhost(), r.queue());
        if (q == null) {
            channel.writeAndFlush(LinkFrames.failed(channel.alloc(), LinkFrames.PURGED, r.id(),
                    missing(r.vhost(), r.queue())));
            return;
        }
        q.execute(() -> channel.writeAndFlush(LinkFrames.purged(channel.alloc(), r.id(), q.purge())));
    }

    private void count(LinkFrames.Request r) {
        AmqpQueue q = localQueue(r.vhost(), r.queue());
        if (q == null) {
            channel.writeAndFlush(LinkFrames.failed(channel.alloc(), LinkFrames.COUNTED, r.id(),
                    missing(r.vhost(), r.queue())));
            return;
        }
        q.execute(() -> {
            if (r.noAck()) {
                q.touch(); // a passive declare on the other node is a use of the queue (x-expires)
            }
            channel.writeAndFlush(LinkFrames.counted(channel.alloc(), r.id(), q.readyCount(), q.consumerCount()));
        });
    }

    private void cancel(long id) {
        QueueConsumer c = consumers.remove(id);
        if (c != null) {
            c.cancel();
            c.queue().execute(() -> c.queue().removeConsumer(c));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deferred.forEach(ByteBuf::release);
        deferred.clear();
        consumers.keySet().forEach(this::cancel);
        Map<AmqpQueue, List<QueueEntry>> byQueue = new IdentityHashMap<>();
        for (Long id : List.copyOf(unacked.keySet())) {
            Held h = unacked.remove(id);
            if (h != null) {
                byQueue.computeIfAbsent(h.queue(), k -> new ArrayList<>()).add(h.entry());
            }
        }
        byQueue.forEach((q, entries) -> q.execute(() -> q.requeue(entries, true)));
    }

    private static String missing(String vhost, String queue) {
        return "no queue '" + queue + "' in vhost '" + vhost + "' on its home node";
    }

    private AmqpQueue localQueue(String vhost, String queue) {
        Broker b = broker.get();
        VirtualHost v = b == null ? null : b.vhost(vhost);
        AmqpQueue q = v == null ? null : v.queue(queue);
        return q instanceof RemoteQueue ? null : q;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("cluster link from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
