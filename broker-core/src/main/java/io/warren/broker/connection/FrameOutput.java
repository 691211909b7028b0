package io.warren.broker.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.warren.broker.message.Message;
import io.warren.codec.Method;
import io.warren.codec.frame.FrameWriter;

/**
 * Everything a connection writes goes through here: small frames are gathered into one buffer, message
 * bodies are written as slices of the buffers they arrived in (never copied), and the socket is flushed
 * once per batch.
 */
public final class FrameOutput {
    private static final int GATHER_LIMIT = 64 * 1024;
    private static final int BASIC_CLASS = 60;

    private final ChannelHandlerContext ctx;
    private ByteBuf pending;
    private int frameMax = 131072;
    private boolean dirty;

    FrameOutput(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void setFrameMax(int frameMax) {
        this.frameMax = frameMax;
    }

    private ByteBuf buffer() {
        if (pending == null) {
            pending = ctx.alloc().ioBuffer(1024);
        }
        return pending;
    }

    public void method(int channel, Method method) {
        FrameWriter.writeMethod(buffer(), channel, method);
        dirty = true;
        if (pending.readableBytes() >= GATHER_LIMIT) {
            writePending();
        }
    }

    /** A content-bearing method (deliver, get-ok, return) followed by the message's header and body frames. */
    public void content(int channel, Method method, Message message) {
        ByteBuf b = buffer();
        FrameWriter.writeMethod(b, channel, method);
        ByteBuf body = message.body();
        int size = body.readableBytes();
        FrameWriter.writeContentHeader(b, channel, BASIC_CLASS, size, message.propertyBytes());
        int offset = body.readerIndex();
        int maxChunk = frameMax - FrameWriter.FRAME_OVERHEAD;
        while (size > 0) {
            int len = Math.min(size, maxChunk);
            FrameWriter.writeBodyFrameHeader(buffer(), channel, len);
            writePending();
            ctx.write(body.retainedSlice(offset, len), ctx.voidPromise());
            buffer().writeByte(FrameWriter.FRAME_END);
            offset += len;
            size -= len;
        }
        dirty = true;
        if (pending != null && pending.readableBytes() >= GATHER_LIMIT) {
            writePending();
        }
    }

    public void heartbeat() {
        FrameWriter.writeHeartbeat(buffer());
        dirty = true;
    }

    private void writePending() {
        if (pending != null) {
            if (pending.isReadable()) {
                ctx.write(pending, ctx.voidPromise());
            } else {
                pending.release();
            }
            pending = null;
        }
    }

    /** Hands everything gathered to the socket. */
    public void flush() {
        if (dirty) {
            dirty = false;
            writePending();
            ctx.flush();
        }
    }

    void discard() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
