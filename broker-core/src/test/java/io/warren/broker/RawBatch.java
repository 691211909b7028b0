package io.warren.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.Method;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import java.nio.charset.StandardCharsets;

/** Frames gathered into one byte array, so a test can hand the broker several in one TCP write. */
public final class RawBatch {
    private final ByteBuf buf = Unpooled.buffer();

    /** The frames a writer puts into one buffer, as one array: what a client's threads write back to back. */
    public static byte[] frames(java.util.function.Consumer<ByteBuf> writer) {
        ByteBuf buf = Unpooled.buffer();
        writer.accept(buf);
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return b;
    }

    public RawBatch method(int channel, Method m) {
        FrameWriter.writeMethod(buf, channel, m);
        return this;
    }

    public RawBatch publish(int channel, String exchange, String routingKey, String body) {
        method(channel, new Basic.Publish(exchange, routingKey, false, false));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        FrameWriter.writeContentHeader(buf, channel, 60, b.length, Unpooled.wrappedBuffer(new byte[] {0, 0}));
        FrameWriter.writeBodyFrame(buf, channel, Unpooled.wrappedBuffer(b));
        return this;
    }

    /** A basic.publish with its header (no properties) and one body frame. */
    public RawBatch publish(int channel, String exchange, String routingKey, boolean mandatory, byte[] body) {
        method(channel, new Basic.Publish(exchange, routingKey, mandatory, false));
        FrameWriter.writeContentHeader(buf, channel, 60, body.length, Unpooled.wrappedBuffer(new byte[] {0, 0}));
        FrameWriter.writeBodyFrame(buf, channel, Unpooled.wrappedBuffer(body));
        return this;
    }

    public RawBatch heartbeats(int n) {
        for (int i = 0; i < n; i++) {
            FrameWriter.writeHeartbeat(buf);
        }
        return this;
    }

    public byte[] bytes() {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }
}
