package io.warren.codec.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.warren.codec.AmqpProtocolException;
import io.warren.codec.BasicProperties;
import io.warren.codec.MethodCodec;
import io.warren.codec.ReplyCodes;
import java.util.List;

/**
 * Decodes the client side of an AMQP 0-9-1 connection: the protocol header, then frames.
 *
 * <p>Emits {@link ProtocolHeaderReceived#INSTANCE} once, then {@link Frame}s. Content header and
 * body frames hold retained slices of the network buffer (no copy) and must be released by their
 * final owner; holding them long-term also pins that network buffer. A content header's property
 * list is not checked here: whether a header may come at all is the channel's question, and it
 * must be answered first (RabbitMQ likewise reports a misplaced header, whatever its contents), so
 * the receiver validates the properties with {@link BasicProperties#validate} when it accepts one.
 *
 * <p>A wrong protocol header is answered with the supported header and the channel is closed.
 * Any protocol violation throws {@link AmqpProtocolException}; Netty delivers it to
 * {@code exceptionCaught} wrapped in a {@link io.netty.handler.codec.DecoderException} (see
 * {@link AmqpProtocolException#unwrap}), and this decoder discards all further input so the
 * handler can send connection.close with the reply code.
 */
public class FrameDecoder extends ByteToMessageDecoder {
    /**
     * frame_max until connection.tune-ok negotiates another: the protocol's minimum, which every peer must accept,
     * so a client cannot make the broker buffer large frames before it has authenticated (as in RabbitMQ).
     */
    public static final int DEFAULT_MAX_FRAME_SIZE = 4096;

    private static final int HEADER_LENGTH = 7;
    private static final int CONTENT_HEADER_FIXED = 12;
    private static final int MIN_CONTENT_HEADER = CONTENT_HEADER_FIXED + 2;

    private enum State { AWAIT_PROTOCOL_HEADER, FRAMES, FAILED }

    private State state = State.AWAIT_PROTOCOL_HEADER;
    private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;

    /** Sets the largest accepted frame including overhead; 0 means unlimited. */
    public void setMaxFrameSize(int frameMax) {
        if (frameMax < 0) {
            throw new IllegalArgumentException("frameMax must be >= 0: " + frameMax);
        }
        this.maxFrameSize = frameMax;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case AWAIT_PROTOCOL_HEADER -> decodeProtocolHeader(ctx, in, out);
            case FRAMES -> {
                try {
                    decodeFrame(in, out);
                } catch (AmqpProtocolException e) {
                    state = State.FAILED;
                    in.skipBytes(in.readableBytes());
                    throw e;
                }
            }
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void decodeProtocolHeader(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = FrameWriter.PROTOCOL_HEADER.length;
        if (in.readableBytes() < length) {
            return;
        }
        int start = in.readerIndex();
        for (int i = 0; i < length; i++) {
            if (in.getByte(start + i) != FrameWriter.PROTOCOL_HEADER[i]) {
                rejectProtocolHeader(ctx, in);
                return;
            }
        }
        in.skipBytes(length);
        state = State.FRAMES;
        out.add(ProtocolHeaderReceived.INSTANCE);
    }

    // The spec asks a server to answer an unsupported header with the one it supports, then close.
    private void rejectProtocolHeader(ChannelHandlerContext ctx, ByteBuf in) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(FrameWriter.PROTOCOL_HEADER.clone()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void decodeFrame(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        int channel = in.getUnsignedShort(start + 1);
        long size = in.getUnsignedInt(start + 3);
        checkType(type);
        // Checked before waiting for the payload so a huge size never makes us buffer it.
        checkSize(size);
        int payloadLength = (int) size;
        if (in.readableBytes() < HEADER_LENGTH + payloadLength + 1) {
            return;
        }
        int payloadStart = start + HEADER_LENGTH;
        int frameEnd = in.getUnsignedByte(payloadStart + payloadLength);
        if (frameEnd != FrameWriter.FRAME_END) {
            throw AmqpProtocolException.of(ReplyCodes.FRAME_ERROR,
                    "bad frame end 0x" + Integer.toHexString(frameEnd) + ", expected 0xce");
        }
        out.add(switch (type) {
            case FrameWriter.FRAME_METHOD -> new MethodFrame(channel, MethodCodec.decode(in.slice(payloadStart, payloadLength)));
            case FrameWriter.FRAME_HEADER -> contentHeader(in, channel, payloadStart, payloadLength);
            case FrameWriter.FRAME_BODY -> new ContentBodyFrame(channel, in.retainedSlice(payloadStart, payloadLength));
            default -> heartbeat(channel);
        });
        in.readerIndex(payloadStart + payloadLength + 1);
    }

    private static void checkType(int type) {
        switch (type) {
            case FrameWriter.FRAME_METHOD, FrameWriter.FRAME_HEADER, FrameWriter.FRAME_BODY, FrameWriter.FRAME_HEARTBEAT -> {
            }
            default -> throw AmqpProtocolException.of(ReplyCodes.FRAME_ERROR, "unknown frame type " + type);
        }
    }

    private void checkSize(long payloadSize) {
        long total = payloadSize + FrameWriter.FRAME_OVERHEAD;
        // Even "unlimited" is capped by what a single ByteBuf can hold.
        long limit = maxFrameSize == 0 ? Integer.MAX_VALUE : maxFrameSize;
        if (total > limit) {
            throw AmqpProtocolException.of(ReplyCodes.FRAME_ERROR,
                    "frame size " + total + " exceeds frame_max " + limit);
        }
    }

    private static ContentHeaderFrame contentHeader(ByteBuf in, int channel, int payloadStart, int payloadLength) {
        if (payloadLength < MIN_CONTENT_HEADER) {
            throw AmqpProtocolException.of(ReplyCodes.FRAME_ERROR,
                    "content header payload of " + payloadLength + " bytes is too short");
        }
        int classId = in.getUnsignedShort(payloadStart);
        long bodySize = in.getLong(payloadStart + 4);
        if (bodySize < 0) {
            throw AmqpProtocolException.of(ReplyCodes.FRAME_ERROR, "content header body size " + Long.toUnsignedString(bodySize) + " is too large");
        }
        int propertiesStart = payloadStart + CONTENT_HEADER_FIXED;
        int propertiesLength = payloadLength - CONTENT_HEADER_FIXED;
        return new ContentHeaderFrame(channel, classId, bodySize, in.retainedSlice(propertiesStart, propertiesLength));
    }

    private static HeartbeatFrame heartbeat(int channel) {
        if (channel != 0) {
            // well formed, but not allowed there: unexpected, not malformed (as RabbitMQ answers it)
            throw AmqpProtocolException.of(ReplyCodes.UNEXPECTED_FRAME,
                    "heartbeat frame on channel " + channel + ", heartbeats belong on channel 0");
        }
        return HeartbeatFrame.INSTANCE;
    }
}
