package io.warren.codec.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.codec.BasicProperties;
import io.warren.codec.methods.Basic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentFramesTest {

    private static final BasicProperties PROPS = new BasicProperties("text/plain", null, Map.of("k", 1),
            2, null, null, null, null, "id-1", 1_700_000_000L, null, null, null, null);

    @Test
    void publishHeaderAndBodyDecodeInOrder() {
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        ByteBuf wire = Unpooled.buffer();
        FrameWriter.writeMethod(wire, 1, new Basic.Publish("", "q", false, false));
        FrameWriter.writeContentHeader(wire, 1, body.length, PROPS);
        FrameWriter.writeBodyFrame(wire, 1, Unpooled.wrappedBuffer(body));
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(wire);
        List<Object> frames = h.readAll();
        assertEquals(3, frames.size());
        assertEquals(new MethodFrame(1, new Basic.Publish("", "q", false, false)), frames.get(0));
        ContentHeaderFrame header = assertInstanceOf(ContentHeaderFrame.class, frames.get(1));
        assertEquals(1, header.channel());
        assertEquals(60, header.classId());
        assertEquals(5, header.bodySize());
        assertEquals(PROPS, header.properties());
        assertSame(header.properties(), header.properties(), "decoded once, then cached");
        assertEquals(2, header.deliveryMode());
        ContentBodyFrame bodyFrame = assertInstanceOf(ContentBodyFrame.class, frames.get(2));
        assertArrayEquals(body, ByteBufUtil.getBytes(bodyFrame.content()));
        header.release();
        bodyFrame.release();
    }

    @Test
    void bodyIsARetainedSliceOfTheReceivedBufferNotACopy() {
        byte[] body = new byte[1024];
        ByteBuf wire = Unpooled.buffer();
        FrameWriter.writeContentHeader(wire, 7, body.length, PROPS);
        int bodyOffset = wire.writerIndex() + 7;
        FrameWriter.writeBodyFrame(wire, 7, Unpooled.wrappedBuffer(body));
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(wire);
        ContentHeaderFrame header = h.channel.readInbound();
        ContentBodyFrame frame = h.channel.readInbound();

        ByteBuf content = frame.content();
        assertSame(wire.array(), content.array(), "same backing memory");
        assertEquals(bodyOffset, content.arrayOffset() + content.readerIndex());
        wire.setByte(bodyOffset, 42);
        assertEquals(42, content.getByte(content.readerIndex()), "writes to the network buffer are visible");

        // The decoder dropped its own reference; the two frames keep the buffer alive.
        assertEquals(2, wire.refCnt());
        assertEquals(2, frame.refCnt());
        frame.retain();
        assertEquals(3, wire.refCnt());
        frame.release();
        header.release();
        assertEquals(1, wire.refCnt());
        assertTrue(frame.release());
        assertEquals(0, wire.refCnt());
    }

    @Test
    void headerPropertiesBytesAreTheReceivedBytesUnchanged() {
        ByteBuf props = Unpooled.buffer();
        PROPS.encode(props);
        byte[] expected = ByteBufUtil.getBytes(props);
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(DecoderHarness.headerFrame(3, 10, PROPS));
        ContentHeaderFrame header = h.channel.readInbound();
        header.properties();
        assertArrayEquals(expected, ByteBufUtil.getBytes(header.propertiesBytes()), "lazy decode left the bytes intact");

        // Re-sending the raw bytes reproduces the original frame exactly.
        ByteBuf resent = Unpooled.buffer();
        FrameWriter.writeContentHeader(resent, 3, 60, 10, header.propertiesBytes());
        assertEquals(DecoderHarness.headerFrame(3, 10, PROPS), resent);
        assertEquals(expected.length, header.propertiesBytes().readableBytes(), "writer did not consume the source");
        header.release();
    }

    @Test
    void multipleBodyFramesArriveAsSeparateSlices() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        ByteBuf wire = Unpooled.buffer();
        FrameWriter.writeContentHeader(wire, 2, 9, BasicProperties.EMPTY);
        for (String part : new String[] {"abc", "def", "ghi"}) {
            FrameWriter.writeBodyFrame(wire, 2, Unpooled.copiedBuffer(part, StandardCharsets.US_ASCII));
        }
        h.write(wire);
        ContentHeaderFrame header = h.channel.readInbound();
        assertEquals(BasicProperties.EMPTY, header.properties());
        StringBuilder body = new StringBuilder();
        long received = 0;
        for (int i = 0; i < 3; i++) {
            ContentBodyFrame frame = h.channel.readInbound();
            received += frame.content().readableBytes();
            body.append(frame.content().toString(StandardCharsets.US_ASCII));
            frame.release();
        }
        assertEquals(header.bodySize(), received);
        assertEquals("abcdefghi", body.toString());
        header.release();
    }

    @Test
    void emptyBodyFrameIsAllowed() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(DecoderHarness.bodyFrame(1, new byte[0]));
        ContentBodyFrame frame = h.channel.readInbound();
        assertEquals(0, frame.content().readableBytes());
        frame.release();
    }

    @Test
    void bodyFrameHeaderLetsTheCallerAppendTheBodyItself() {
        ByteBuf body = Unpooled.copiedBuffer("zero-copy", StandardCharsets.US_ASCII);
        ByteBuf prefix = Unpooled.buffer();
        FrameWriter.writeBodyFrameHeader(prefix, 4, body.readableBytes());
        assertEquals(7, prefix.readableBytes());
        ByteBuf wire = Unpooled.wrappedBuffer(prefix, body, Unpooled.buffer().writeByte(FrameWriter.FRAME_END));
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(wire);
        ContentBodyFrame frame = h.channel.readInbound();
        assertEquals(4, frame.channel());
        assertEquals("zero-copy", frame.content().toString(StandardCharsets.US_ASCII));
        frame.release();
    }

    @Test
    void heartbeatDecodesToTheSingleton() {
        ByteBuf wire = Unpooled.buffer();
        FrameWriter.writeHeartbeat(wire);
        assertEquals(8, wire.readableBytes());
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(wire);
        assertSame(HeartbeatFrame.INSTANCE, h.channel.readInbound());
    }
}
