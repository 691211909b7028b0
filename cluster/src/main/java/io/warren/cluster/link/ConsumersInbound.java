package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.warren.broker.admin.NodeConsumerView;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers other nodes asking for the consumers of this node's connections, ahead of the {@link HomeSession} (a
 * query names no queue of this node, so it never waits behind frames held for one). The listing visits every
 * connection's thread, so it is made on the given executor, never on the link's thread.
 */
final class ConsumersInbound extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumersInbound.class);
    private final Supplier<Lister> lister;
    private final Executor executor;

    /** Lists this node's consumers: of one queue, of one vhost (queue null) or all (both null). */
    interface Lister {
        List<NodeConsumerView> consumers(String vhost, String queue);
    }

    ConsumersInbound(Supplier<Lister> lister, Executor executor) {
        this.lister = lister;
        this.executor = executor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || !in.isReadable()
                || in.getByte(in.readerIndex()) != LinkFrames.CONSUMERS) {
            ctx.fireChannelRead(msg);
            return;
        }
        ConsumerListFrames.Query q;
        try {
            in.skipBytes(1);
            q = ConsumerListFrames.readQuery(in);
        } catch (RuntimeException e) {
            LOG.warn("cluster link from {}: unreadable consumers query ignored: {}", ctx.channel().remoteAddress(),
                    e.toString());
            return;
        } finally {
            in.release();
        }
        Channel channel = ctx.channel();
        try {
            executor.execute(() -> answer(channel, q));
        } catch (RuntimeException e) {
            // the node is stopping: the asking node's bounded wait covers the missing answer
            LOG.debug("consumers query not answered: {}", e.toString());
        }
    }

    private void answer(Channel channel, ConsumerListFrames.Query q) {
        List<NodeConsumerView> consumers;
        try {
            consumers = lister.get().consumers(q.vhost(), q.queue());
        } catch (RuntimeException e) {
            LOG.warn("cannot list this node's consumers for node at {}: {}", channel.remoteAddress(), e.toString());
            return;
        }
        channel.writeAndFlush(ConsumerListFrames.list(channel.alloc(), q.id(), consumers));
    }
}
