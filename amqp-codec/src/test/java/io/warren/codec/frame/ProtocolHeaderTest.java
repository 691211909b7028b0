package io.warren.codec.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolHeaderTest {
    private static final byte[] SUPPORTED = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    @Test
    void correctHeaderIsAnnouncedOnce() {
        DecoderHarness h = new DecoderHarness();
        h.write(SUPPORTED.clone());
        assertSame(ProtocolHeaderReceived.INSTANCE, h.channel.readInbound());
        assertNull(h.channel.readInbound());
        assertNull(h.channel.readOutbound(), "nothing written back");
        assertTrue(h.channel.isOpen());
    }

    @Test
    void headerSplitAcrossReadsWaitsForAllEightBytes() {
        DecoderHarness h = new DecoderHarness();
        h.write(new byte[] {'A', 'M'});
        h.write(new byte[] {'Q', 'P', 0});
        assertNull(h.channel.readInbound());
        h.write(new byte[] {0, 9, 1});
        assertSame(ProtocolHeaderReceived.INSTANCE, h.channel.readInbound());
    }

    @Test
    void headerAndFirstFrameInOneReadAreBothDecoded() {
        ByteBuf wire = Unpooled.buffer().writeBytes(SUPPORTED);
        FrameWriter.writeHeartbeat(wire);
        DecoderHarness h = new DecoderHarness();
        h.write(wire);
        assertSame(ProtocolHeaderReceived.INSTANCE, h.channel.readInbound());
        assertSame(HeartbeatFrame.INSTANCE, h.channel.readInbound());
    }

    @Test
    void amqp0100HeaderGetsSupportedHeaderWrittenBackAndChannelClosed() {
        assertRejected(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 10, 0});
    }

    @Test
    void httpRequestGetsSupportedHeaderWrittenBackAndChannelClosed() {
        assertRejected("HTTP/1.1".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void amqp091WithWrongProtocolIdIsRejected() {
        assertRejected(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 9, 1});
    }

    @Test
    void bytesAfterARejectedHeaderAreIgnored() {
        DecoderHarness h = new DecoderHarness();
        ByteBuf wire = Unpooled.buffer().writeBytes("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        h.write(wire);
        assertNull(h.channel.readInbound());
        assertFalse(h.channel.isOpen());
        assertSupportedHeaderWritten(h);
    }

    private static void assertRejected(byte[] header) {
        DecoderHarness h = new DecoderHarness();
        h.write(header);
        assertNull(h.channel.readInbound(), "no frames or header event");
        assertSupportedHeaderWritten(h);
        h.channel.runPendingTasks();
        assertFalse(h.channel.isOpen(), "closed after the write completed");
    }

    private static void assertSupportedHeaderWritten(DecoderHarness h) {
        ByteBuf written = h.channel.readOutbound();
        assertArrayEquals(SUPPORTED, ByteBufUtil.getBytes(written));
        written.release();
    }
}
