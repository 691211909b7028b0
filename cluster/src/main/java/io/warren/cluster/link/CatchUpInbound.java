package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers other nodes' quorum shard catch-up requests (a snapshot's state, its bodies) ahead of the
 * {@link HomeSession}. Answering reads files, so it runs on the given executor, never on the link's thread; an answer
 * that fails goes back as an error naming why, and the asking replica tries again later.
 */
final class CatchUpInbound extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUpInbound.class);
    private final Supplier<ClusterLink.SnapshotAnswers> answers;
    private final Executor executor;

    CatchUpInbound(Supplier<ClusterLink.SnapshotAnswers> answers, Executor executor) {
        this.answers = answers;
        this.executor = executor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || !in.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        byte type = in.getByte(in.readerIndex());
        if (type != LinkFrames.SNAPSHOT_FETCH && type != LinkFrames.SNAPSHOT_BODIES_FETCH) {
            ctx.fireChannelRead(msg);
            return;
        }
        Channel channel = ctx.channel();
        try {
            in.skipBytes(1);
            long id = in.readLong();
            executor.execute(() -> answer(channel, type, id, in));
        } catch (RuntimeException e) {
            // unreadable, or the node is stopping: the asking replica's bounded wait covers the missing answer
            LOG.debug("catch-up request not answered: {}", e.toString());
            in.release();
        }
    }

    private void answer(Channel channel, byte type, long id, ByteBuf in) {
        ByteBuf out = channel.alloc().buffer(256);
        try {
            out.writeInt(0).writeByte(type + 1).writeLong(id).writeByte(0);
            ClusterLink.SnapshotAnswers a = answers.get();
            if (type == LinkFrames.SNAPSHOT_FETCH) {
                a.state(in, out);
            } else {
                a.bodies(in, out);
            }
        } catch (Exception e) {
            LOG.info("cannot answer node at {} asking for a shard snapshot: {}", channel.remoteAddress(), e.toString());
            out.clear().writeInt(0).writeByte(type + 1).writeLong(id).writeByte(2);
            LinkFrames.writeString(out, String.valueOf(e.getMessage()));
        } finally {
            in.release();
        }
        out.setInt(0, out.readableBytes() - 4);
        channel.writeAndFlush(out);
    }
}
