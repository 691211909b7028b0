package io.warren.codec.frame;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A content body frame whose content is a retained slice of the received bytes (no copy).
 * Whoever ends up owning the frame must release it.
 */
public final class ContentBodyFrame implements Frame, ReferenceCounted {
    private final int channel;
    private final ByteBuf content;

    public ContentBodyFrame(int channel, ByteBuf content) {
        this.channel = channel;
        this.content = content;
    }

    @Override
    public int channel() {
        return channel;
    }

    /** The body bytes; shares memory with the network buffer and this frame's reference count. */
    public ByteBuf content() {
        return content;
    }

    @Override
    public int refCnt() {
        return content.refCnt();
    }

    @Override
    public ContentBodyFrame retain() {
        content.retain();
        return this;
    }

    @Override
    public ContentBodyFrame retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public ContentBodyFrame touch() {
        content.touch();
        return this;
    }

    @Override
    public ContentBodyFrame touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return content.release();
    }

    @Override
    public boolean release(int decrement) {
        return content.release(decrement);
    }

    @Override
    public String toString() {
        return "ContentBodyFrame[channel=" + channel + ", length=" + content.readableBytes() + "]";
    }
}
