package io.warren.cluster.quorum;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.message.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a quorum queue's message is stored as one body in the shard log and the body store: {@code [u16 exchange
 * length][exchange][u16 routing key length][routing key][i32 property bytes length][property bytes][body to the
 * end]}. Encoding gives views of the message's own buffers and decoding wraps the stored bytes, so neither copies
 * the body.
 */
public final class QuorumMessageFormat {
    private QuorumMessageFormat() {
    }

    /**
     * The stored form as three views: the head (names and the property length), the property bytes and the body.
     * They share the message's buffers, so the message must stay unreleased until they have been written out.
     */
    public static ByteBuffer[] encode(Message m) {
        byte[] exchange = m.exchange().getBytes(StandardCharsets.UTF_8);
        byte[] key = m.routingKey().getBytes(StandardCharsets.UTF_8);
        if (exchange.length > 0xffff || key.length > 0xffff) {
            throw new IllegalArgumentException("exchange or routing key longer than 65535 bytes");
        }
        ByteBuf props = m.propertyBytes();
        ByteBuffer head = ByteBuffer.allocate(2 + exchange.length + 2 + key.length + 4);
        head.putShort((short) exchange.length).put(exchange).putShort((short) key.length).put(key)
                .putInt(props.readableBytes()).flip();
        return new ByteBuffer[] {head, view(props), view(m.body())};
    }

    /** The stored size of the message: the sum of {@link #encode}'s views. */
    public static int size(ByteBuffer[] parts) {
        int n = 0;
        for (ByteBuffer b : parts) {
            n += b.remaining();
        }
        return n;
    }

    /** One buffer holding the stored form (a copy: for callers that need the bytes in one piece). */
    public static ByteBuffer join(ByteBuffer[] parts) {
        ByteBuffer out = ByteBuffer.allocate(size(parts));
        for (ByteBuffer b : parts) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    /** The message stored in these bytes (from their position to their limit), wrapping them without a copy. */
    public static Message decode(ByteBuffer stored) {
        ByteBuffer in = stored.duplicate();
        try {
            String exchange = string(in, Short.toUnsignedInt(in.getShort()));
            String key = string(in, Short.toUnsignedInt(in.getShort()));
            int propsLength = in.getInt();
            if (propsLength < 0 || propsLength > in.remaining()) {
                throw new IllegalArgumentException("property bytes of " + propsLength + " run past the message");
            }
            ByteBuffer props = in.slice().limit(propsLength);
            in.position(in.position() + propsLength);
            ByteBuffer body = in.slice();
            return new Message(exchange, key, Unpooled.wrappedBuffer(props), Unpooled.wrappedBuffer(body));
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("stored quorum message of " + stored.remaining()
                    + " bytes is truncated", e);
        }
    }

    /**
     * The message stored in the readable bytes of a buffer (as a link frame carries it), holding retained slices of
     * it: the caller still releases its own reference. Moves nothing: the buffer's indexes are left as they are.
     */
    public static Message decode(ByteBuf stored) {
        int at = stored.readerIndex();
        int end = stored.writerIndex();
        try {
            int exchangeLength = stored.getUnsignedShort(at);
            String exchange = string(stored, at + 2, exchangeLength, end);
            at += 2 + exchangeLength;
            int keyLength = stored.getUnsignedShort(at);
            String key = string(stored, at + 2, keyLength, end);
            at += 2 + keyLength;
            int propsLength = stored.getInt(at);
            at += 4;
            if (propsLength < 0 || propsLength > end - at) {
                throw new IllegalArgumentException("property bytes of " + propsLength + " run past the message");
            }
            ByteBuf props = stored.retainedSlice(at, propsLength);
            at += propsLength;
            return new Message(exchange, key, props, stored.retainedSlice(at, end - at));
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("stored quorum message of " + (end - stored.readerIndex())
                    + " bytes is truncated", e);
        }
    }

    private static String string(ByteBuf in, int at, int length, int end) {
        if (length > end - at) {
            throw new IllegalArgumentException("a name of " + length + " bytes runs past the message");
        }
        return in.toString(at, length, StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new IllegalArgumentException("a name of " + length + " bytes runs past the message");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ByteBuffer view(ByteBuf b) {
        return b.nioBufferCount() == 1 ? b.nioBuffer() : ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(b));
    }
}
