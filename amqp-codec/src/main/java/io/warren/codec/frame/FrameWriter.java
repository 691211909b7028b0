package io.warren.codec.frame;

import io.netty.buffer.ByteBuf;
import io.warren.codec.BasicProperties;
import io.warren.codec.Method;
import io.warren.codec.MethodCodec;

/** Writes complete AMQP frames into a caller-supplied buffer. */
public final class FrameWriter {
    public static final int FRAME_METHOD = 1;
    public static final int FRAME_HEADER = 2;
    public static final int FRAME_BODY = 3;
    public static final int FRAME_HEARTBEAT = 8;
    public static final int FRAME_END = 0xCE;
    /** Bytes of a frame outside its payload: type, channel, size and frame-end. */
    public static final int FRAME_OVERHEAD = 8;
    /** "AMQP" 0 0 9 1. Treat as read-only. */
    public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private static final int CONTENT_HEADER_FIXED = 12;
    private static final int BASIC_CLASS_ID = 60;

    private FrameWriter() {
    }

    /** Writes a method frame; the size is back-patched so the method is encoded only once. */
    public static void writeMethod(ByteBuf out, int channel, Method m) {
        out.writeByte(FRAME_METHOD);
        out.writeShort(channel);
        int sizeIndex = out.writerIndex();
        out.writeInt(0);
        MethodCodec.encode(m, out);
        out.setInt(sizeIndex, out.writerIndex() - sizeIndex - 4);
        out.writeByte(FRAME_END);
    }

    /**
     * Writes a content header frame around already-encoded property bytes (copied, not released,
     * indexes of {@code propertiesBytes} untouched so it can be re-sent to many consumers).
     */
    public static void writeContentHeader(ByteBuf out, int channel, int classId, long bodySize, ByteBuf propertiesBytes) {
        int propertiesLength = propertiesBytes.readableBytes();
        out.writeByte(FRAME_HEADER);
        out.writeShort(channel);
        out.writeInt(CONTENT_HEADER_FIXED + propertiesLength);
        out.writeShort(classId);
        out.writeShort(0);
        out.writeLong(bodySize);
        out.writeBytes(propertiesBytes, propertiesBytes.readerIndex(), propertiesLength);
        out.writeByte(FRAME_END);
    }

    /** Writes a basic-class content header frame encoding the given properties. */
    public static void writeContentHeader(ByteBuf out, int channel, long bodySize, BasicProperties props) {
        out.writeByte(FRAME_HEADER);
        out.writeShort(channel);
        int sizeIndex = out.writerIndex();
        out.writeInt(0);
        out.writeShort(BASIC_CLASS_ID);
        out.writeShort(0);
        out.writeLong(bodySize);
        (props == null ? BasicProperties.EMPTY : props).encode(out);
        out.setInt(sizeIndex, out.writerIndex() - sizeIndex - 4);
        out.writeByte(FRAME_END);
    }

    /**
     * Writes the 7-byte prefix of a body frame; the caller then sends {@code length} body bytes
     * (e.g. a retained slice, zero copy) and {@link #FRAME_END}.
     */
    public static void writeBodyFrameHeader(ByteBuf out, int channel, int length) {
        out.writeByte(FRAME_BODY);
        out.writeShort(channel);
        out.writeInt(length);
    }

    /** Writes a whole body frame by copying {@code body}'s readable bytes; meant for small bodies and tests. */
    public static void writeBodyFrame(ByteBuf out, int channel, ByteBuf body) {
        int length = body.readableBytes();
        writeBodyFrameHeader(out, channel, length);
        out.writeBytes(body, body.readerIndex(), length);
        out.writeByte(FRAME_END);
    }

    public static void writeHeartbeat(ByteBuf out) {
        out.writeByte(FRAME_HEARTBEAT);
        out.writeShort(0);
        out.writeInt(0);
        out.writeByte(FRAME_END);
    }
}
