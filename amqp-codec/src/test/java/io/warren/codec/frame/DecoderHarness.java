package io.warren.codec.frame;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.warren.codec.AmqpProtocolException;
import io.warren.codec.BasicProperties;
import io.warren.codec.Method;
import java.util.ArrayList;
import java.util.List;

/** A FrameDecoder on an EmbeddedChannel plus helpers to build wire bytes. */
final class DecoderHarness {
    final FrameDecoder decoder = new FrameDecoder();
    final EmbeddedChannel channel = new EmbeddedChannel(decoder);

    /** A harness that has already accepted the protocol header. */
    static DecoderHarness afterProtocolHeader() {
        DecoderHarness h = new DecoderHarness();
        h.channel.writeInbound(Unpooled.wrappedBuffer(FrameWriter.PROTOCOL_HEADER.clone()));
        assertSame(ProtocolHeaderReceived.INSTANCE, h.channel.readInbound());
        return h;
    }

    void write(ByteBuf bytes) {
        channel.writeInbound(bytes);
    }

    void write(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    List<Object> readAll() {
        List<Object> all = new ArrayList<>();
        for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
            all.add(o);
        }
        return all;
    }

    /** Feeds bytes and returns the protocol error they caused, unwrapping Netty's DecoderException. */
    AmqpProtocolException writeExpectingError(ByteBuf bytes) {
        try {
            channel.writeInbound(bytes);
        } catch (DecoderException e) {
            AmqpProtocolException cause = AmqpProtocolException.unwrap(e);
            if (cause != null) {
                return cause;
            }
            throw e;
        }
        throw new AssertionError("expected an AmqpProtocolException");
    }

    static ByteBuf methodFrame(int channel, Method m) {
        ByteBuf out = Unpooled.buffer();
        FrameWriter.writeMethod(out, channel, m);
        return out;
    }

    static ByteBuf headerFrame(int channel, long bodySize, BasicProperties props) {
        ByteBuf out = Unpooled.buffer();
        FrameWriter.writeContentHeader(out, channel, bodySize, props);
        return out;
    }

    static ByteBuf bodyFrame(int channel, byte[] body) {
        ByteBuf out = Unpooled.buffer();
        FrameWriter.writeBodyFrame(out, channel, Unpooled.wrappedBuffer(body));
        return out;
    }

    /** A frame with arbitrary type, size field and payload, for malformed-input tests. */
    static ByteBuf rawFrame(int type, int channel, long sizeField, byte[] payload, int frameEnd) {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(type).writeShort(channel).writeInt((int) sizeField).writeBytes(payload).writeByte(frameEnd);
        return out;
    }
}
