package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.warren.broker.message.Message;

/**
 * Builds one link frame: fixed fields go into small buffers, a message's property bytes and body go in as retained
 * slices of its own buffers (a composite), so that the socket's is the only copy.
 */
final class FrameBuilder {
    private final ByteBufAllocator alloc;
    private final CompositeByteBuf out;
    private ByteBuf head;

    /** A frame of this type; messages: how many will be added (to size the composite, which must not consolidate). */
    FrameBuilder(ByteBufAllocator alloc, byte type, int messages) {
        this.alloc = alloc;
        this.out = alloc.compositeDirectBuffer(Math.max(16, messages * 4 + 4));
        this.head = alloc.directBuffer(64);
        head.writeInt(0); // the length, set by finish
        head.writeByte(type);
    }

    /** Where the next fixed fields go. */
    ByteBuf fields() {
        return head;
    }

    /** Adds a message (exchange, routing key, property bytes, body); retains its buffers, not the message. */
    void message(Message m) {
        LinkFrames.writeString(head, m.exchange());
        LinkFrames.writeString(head, m.routingKey());
        head.writeInt(m.propertyBytes().readableBytes());
        out.addComponent(true, head);
        out.addComponent(true, m.propertyBytes().retainedDuplicate());
        head = alloc.directBuffer(64);
        head.writeInt(m.bodySize());
        out.addComponent(true, head);
        out.addComponent(true, m.body().retainedDuplicate());
        head = alloc.directBuffer(64);
    }

    /** The frame, its length set. */
    ByteBuf finish() {
        if (head.isReadable()) {
            out.addComponent(true, head);
        } else {
            head.release();
        }
        out.setInt(0, out.readableBytes() - 4);
        return out;
    }
}
