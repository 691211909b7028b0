package io.warren.codec.frame;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import io.warren.codec.BasicProperties;

/**
 * A content header frame that keeps the property flags and list as received, so the broker can
 * forward them unchanged on delivery; the typed view is decoded only on demand.
 * Reference counting delegates to {@link #propertiesBytes()}.
 */
public final class ContentHeaderFrame implements Frame, ReferenceCounted {
    private final int channel;
    private final int classId;
    private final long bodySize;
    private final ByteBuf propertiesBytes;
    private volatile BasicProperties properties;

    public ContentHeaderFrame(int channel, int classId, long bodySize, ByteBuf propertiesBytes) {
        this.channel = channel;
        this.classId = classId;
        this.bodySize = bodySize;
        this.propertiesBytes = propertiesBytes;
    }

    @Override
    public int channel() {
        return channel;
    }

    public int classId() {
        return classId;
    }

    public long bodySize() {
        return bodySize;
    }

    /** Property flags + property list exactly as received; do not move its indexes, use absolute reads or duplicate(). */
    public ByteBuf propertiesBytes() {
        return propertiesBytes;
    }

    /** Decodes the properties on first call and caches them. */
    public BasicProperties properties() {
        BasicProperties p = properties;
        if (p == null) {
            // duplicate() so decoding never disturbs the bytes the broker will forward.
            p = BasicProperties.decode(propertiesBytes.duplicate());
            properties = p;
        }
        return p;
    }

    /** Delivery mode (0 if absent) read straight from the bytes without decoding everything. */
    public int deliveryMode() {
        BasicProperties p = properties;
        if (p != null) {
            return p.deliveryMode() == null ? 0 : p.deliveryMode();
        }
        return BasicProperties.deliveryMode(propertiesBytes);
    }

    @Override
    public int refCnt() {
        return propertiesBytes.refCnt();
    }

    @Override
    public ContentHeaderFrame retain() {
        propertiesBytes.retain();
        return this;
    }

    @Override
    public ContentHeaderFrame retain(int increment) {
        propertiesBytes.retain(increment);
        return this;
    }

    @Override
    public ContentHeaderFrame touch() {
        propertiesBytes.touch();
        return this;
    }

    @Override
    public ContentHeaderFrame touch(Object hint) {
        propertiesBytes.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return propertiesBytes.release();
    }

    @Override
    public boolean release(int decrement) {
        return propertiesBytes.release(decrement);
    }

    @Override
    public String toString() {
        return "ContentHeaderFrame[channel=" + channel + ", classId=" + classId + ", bodySize=" + bodySize
                + ", propertiesLength=" + propertiesBytes.readableBytes() + "]";
    }
}
