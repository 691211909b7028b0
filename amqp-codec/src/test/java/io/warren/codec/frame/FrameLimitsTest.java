package io.warren.codec.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.AmqpProtocolException;
import io.warren.codec.ReplyCodes;
import io.warren.codec.methods.Basic;
import org.junit.jupiter.api.Test;

class FrameLimitsTest {

    private static ByteBuf frameHeaderOnly(int type, int channel, long size) {
        return Unpooled.buffer().writeByte(type).writeShort(channel).writeInt((int) size);
    }

    @Test
    void untilTuneOkFramesAreLimitedToTheProtocolMinimumOf4096() {
        assertEquals(4096, new FrameDecoder().maxFrameSize());
    }

    @Test
    void oversizedFrameIsRejectedFromItsSizeFieldWithoutWaitingForThePayload() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.decoder.setMaxFrameSize(4096);
        AmqpProtocolException e = h.writeExpectingError(frameHeaderOnly(3, 1, 4089));
        assertEquals(ReplyCodes.FRAME_ERROR, e.replyCode());
        assertEquals("FRAME_ERROR - frame size 4097 exceeds frame_max 4096", e.getMessage());
    }

    @Test
    void frameOfExactlyFrameMaxIsAccepted() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.decoder.setMaxFrameSize(4096);
        h.write(DecoderHarness.bodyFrame(1, new byte[4096 - FrameWriter.FRAME_OVERHEAD]));
        ContentBodyFrame frame = h.channel.readInbound();
        assertEquals(4088, frame.content().readableBytes());
        frame.release();
    }

    @Test
    void maximalSizeFieldIsRejectedEvenWhenFrameMaxIsUnlimited() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.decoder.setMaxFrameSize(0);
        AmqpProtocolException e = h.writeExpectingError(frameHeaderOnly(3, 1, 0xFFFFFFFFL));
        assertEquals(ReplyCodes.FRAME_ERROR, e.replyCode());
    }

    @Test
    void unlimitedFrameMaxAcceptsFramesLargerThanTheDefault() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.decoder.setMaxFrameSize(0);
        h.write(DecoderHarness.bodyFrame(1, new byte[200_000]));
        ContentBodyFrame frame = h.channel.readInbound();
        assertEquals(200_000, frame.content().readableBytes());
        frame.release();
    }

    @Test
    void badFrameEndIsFrameError() {
        ByteBuf frame = DecoderHarness.methodFrame(1, new Basic.Qos(0, 10, false));
        frame.setByte(frame.writerIndex() - 1, 0xCD);
        AmqpProtocolException e = DecoderHarness.afterProtocolHeader().writeExpectingError(frame);
        assertEquals(ReplyCodes.FRAME_ERROR, e.replyCode());
        assertTrue(e.getMessage().contains("frame end"), e.getMessage());
    }

    @Test
    void unknownFrameTypeIsFrameErrorNamingTheType() {
        AmqpProtocolException e = DecoderHarness.afterProtocolHeader().writeExpectingError(frameHeaderOnly(4, 0, 0));
        assertEquals(ReplyCodes.FRAME_ERROR, e.replyCode());
        assertTrue(e.getMessage().contains("frame type 4"), e.getMessage());
    }

    @Test
    void heartbeatOnAChannelOtherThanZeroIsAnUnexpectedFrame() {
        AmqpProtocolException e = DecoderHarness.afterProtocolHeader()
                .writeExpectingError(DecoderHarness.rawFrame(8, 1, 0, new byte[0], 0xCE));
        assertEquals(ReplyCodes.UNEXPECTED_FRAME, e.replyCode());
        assertTrue(e.getMessage().startsWith("UNEXPECTED_FRAME - heartbeat frame on channel 1"), e.getMessage());
    }

    @Test
    void contentHeaderTooShortForItsFixedFieldsIsFrameError() {
        AmqpProtocolException e = DecoderHarness.afterProtocolHeader()
                .writeExpectingError(DecoderHarness.rawFrame(2, 1, 4, new byte[4], 0xCE));
        assertEquals(ReplyCodes.FRAME_ERROR, e.replyCode());
    }

    @Test
    void contentHeaderPropertiesAreLeftForTheReceiverToValidate() {
        // class 60, weight 0, body size 1, flags say content-type present, but its length overruns.
        ByteBuf payload = Unpooled.buffer().writeShort(60).writeShort(0).writeLong(1).writeShort(0x8000).writeByte(50);
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(DecoderHarness.rawFrame(2, 1, bytes.length, bytes, 0xCE));
        ContentHeaderFrame header = h.channel.readInbound();
        try {
            AmqpProtocolException e = org.junit.jupiter.api.Assertions.assertThrows(AmqpProtocolException.class,
                    () -> io.warren.codec.BasicProperties.validate(header.propertiesBytes()));
            assertEquals(ReplyCodes.SYNTAX_ERROR, e.replyCode());
        } finally {
            header.release();
        }
    }

    @Test
    void unknownMethodInAFrameSurfacesAsNotImplemented() {
        byte[] payload = {0, 60, 0, 99};
        AmqpProtocolException e = DecoderHarness.afterProtocolHeader()
                .writeExpectingError(DecoderHarness.rawFrame(1, 1, 4, payload, 0xCE));
        assertEquals(ReplyCodes.NOT_IMPLEMENTED, e.replyCode());
        assertEquals("NOT_IMPLEMENTED - unknown method 60/99", e.getMessage());
    }

    @Test
    void afterAProtocolErrorFurtherInputIsDiscarded() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        ByteBuf wire = frameHeaderOnly(9, 0, 0);
        FrameWriter.writeHeartbeat(wire);
        h.writeExpectingError(wire);
        ByteBuf more = Unpooled.buffer();
        FrameWriter.writeHeartbeat(more);
        h.write(more);
        assertTrue(h.readAll().isEmpty());
        assertEquals(0, more.refCnt(), "discarded input is released");
    }

    @Test
    void framesDecodedBeforeAnErrorInTheSameReadAreStillDelivered() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        ByteBuf wire = Unpooled.buffer();
        FrameWriter.writeHeartbeat(wire);
        wire.writeBytes(frameHeaderOnly(9, 0, 0));
        h.writeExpectingError(wire);
        assertSame(HeartbeatFrame.INSTANCE, h.channel.readInbound());
    }

    @Test
    void protocolErrorReachesExceptionCaughtWrappedInDecoderException() {
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        try {
            h.write(frameHeaderOnly(9, 0, 0));
        } catch (Exception e) {
            assertInstanceOf(io.netty.handler.codec.DecoderException.class, e);
            assertInstanceOf(AmqpProtocolException.class, e.getCause());
            return;
        }
        throw new AssertionError("expected exception");
    }
}
