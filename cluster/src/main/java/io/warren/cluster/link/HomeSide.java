package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.warren.broker.Broker;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.remote.RemoteQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The home node's end of the link: takes batches other nodes publish to its queues, and answers a confirming batch
 * once the queue has fsynced what it logged of it (the same {@link PublishBarrier} a local channel waits on).
 */
@ChannelHandler.Sharable
final class HomeSide extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(HomeSide.class);
    private final Supplier<Broker> broker;

    HomeSide(Supplier<Broker> broker) {
        this.broker = broker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
        byte type = in.readByte();
        if (type != LinkFrames.PUBLISH) {
            LOG.warn("cluster link from {}: unknown frame type {}; closing it", ctx.channel().remoteAddress(), type);
            ctx.close();
            return;
        }
        LinkFrames.Publish p = LinkFrames.readPublish(in);
        AmqpQueue q = localQueue(p.vhost(), p.queue());
        Channel ch = ctx.channel();
        if (q == null) {
            p.messages().forEach(Message::release);
            if (p.id() != 0) {
                ch.writeAndFlush(LinkFrames.published(ch.alloc(), p.id(), LinkFrames.FAILED, new int[0],
                        "no queue '" + p.queue() + "' in vhost '" + p.vhost() + "' on this node"));
            }
            return;
        }
        QueueWork work = new QueueWork();
        if (p.id() == 0) {
            p.messages().forEach(m -> work.publish(m, null));
        } else {
            PublishBarrier barrier = new PublishBarrier(b -> answer(ch, p.id(), b));
            for (int i = 0; i < p.messages().size(); i++) {
                // tags are indices + 1 (0 means none): a refusal names the message by its place in the batch
                work.publish(p.messages().get(i), barrier, i + 1);
            }
            q.execute(() -> {
                q.take(work);
                barrier.release(1); // the link's own hold, as a channel's at the end of its batch
            });
            return;
        }
        q.execute(() -> q.take(work));
    }

    private static void answer(Channel ch, long id, PublishBarrier b) {
        long[] tags = b.refusedTags();
        int[] refused = new int[tags.length];
        for (int i = 0; i < tags.length; i++) {
            refused[i] = (int) tags[i] - 1;
        }
        byte outcome = b.failure() == null ? LinkFrames.OK : LinkFrames.FAILED;
        String error = b.failure() == null ? null : b.failure().getMessage();
        ch.writeAndFlush(LinkFrames.published(ch.alloc(), id, outcome, refused, error));
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
