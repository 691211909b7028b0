package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes other nodes' status reports off a link connection ahead of the {@link HomeSession}, which sees every other
 * frame: a report names no queue, so it never waits behind frames held for a queue not applied yet. A report that
 * cannot be read is logged and ignored; the connection carries on.
 */
final class StatusInbound extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(StatusInbound.class);
    private final Supplier<Consumer<ByteBuf>> handler;

    StatusInbound(Supplier<Consumer<ByteBuf>> handler) {
        this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || !in.isReadable() || in.getByte(in.readerIndex()) != LinkFrames.STATUS) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            in.skipBytes(1);
            handler.get().accept(in);
        } catch (RuntimeException e) {
            LOG.warn("cluster link from {}: unreadable status report ignored: {}", ctx.channel().remoteAddress(),
                    e.toString());
        } finally {
            in.release();
        }
    }
}
