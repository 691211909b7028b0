package io.warren.cluster.quorum.deliver;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the shard leaders' delivery frames ({@link DeliveryFrames}) off a link connection ahead of the link's home
 * session, and hands them to this node's consumers ({@link QuorumEndpoints}) on the link's thread. A frame for a
 * consumer this node does not know (gone meanwhile) is dropped: the shard learns of its end separately (a Cancel, or
 * NodeDown) and returns what it held. An unreadable frame is logged and dropped; the connection carries on.
 */
public final class DeliveriesInbound extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveriesInbound.class);
    private final QuorumEndpoints endpoints;

    public DeliveriesInbound(QuorumEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || !in.isReadable()
                || !DeliveryFrames.isDeliveryFrame(in.getByte(in.readerIndex()))) {
            ctx.fireChannelRead(msg);
            return;
        }
        DeliveryFrames.Frame frame;
        try {
            frame = DeliveryFrames.read(in);
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster link from {}: unreadable quorum delivery frame ignored: {}",
                    ctx.channel().remoteAddress(), e.getMessage());
            return;
        } finally {
            in.release();
        }
        hand(frame, endpoints);
    }

    /** Hands a frame to its consumer's target, or drops it (releasing its messages) when there is none. */
    static void hand(DeliveryFrames.Frame frame, QuorumEndpoints endpoints) {
        QuorumConsumerTarget target = endpoints.target(frame.consumer());
        if (target == null) {
            LOG.debug("quorum {} for consumer {} of {} dropped: no such consumer on this node",
                    frame.type() == DeliveryFrames.Q_DELIVER ? frame.deliveries().size() + " deliveries" : "notice",
                    frame.consumer(), frame.queue());
            frame.release();
            return;
        }
        switch (frame.type()) {
            case DeliveryFrames.Q_DELIVER -> {
                try {
                    target.deliverAll(frame.deliveries()); // takes over every message's reference
                } catch (RuntimeException e) {
                    LOG.warn("quorum consumer {} of {} failed taking {} deliveries: {}", frame.consumer(),
                            frame.queue(), frame.deliveries().size(), e.toString());
                }
            }
            case DeliveryFrames.Q_CANCELLED -> target.cancelled(frame.why());
            case DeliveryFrames.Q_ACTIVITY -> target.activity(frame.active());
            default -> throw new IllegalStateException("not a delivery frame: " + frame.type());
        }
    }
}
