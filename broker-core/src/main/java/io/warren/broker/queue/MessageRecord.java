package io.warren.broker.queue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.message.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message as a log record's payload: the time it expires (ms since the epoch, Long.MAX_VALUE for never), exchange
 * and routing key as short strings, the property bytes as received (length-prefixed), then the body. Writing hands the log the message's own buffers, uncopied.
 */
public final class MessageRecord {
    private MessageRecord() {
    }

    /**
     * Encodes messages for one queue's log. The small head of each record is cut from a direct scratch buffer,
     * reused once the batch is written, because a heap buffer in a gathering write costs a temporary direct copy.
     */
    public static final class Encoder {
        private static final int SCRATCH_BYTES = 16 * 1024;
        private ByteBuffer scratch;
        private String lastExchange = "";
        private byte[] lastExchangeBytes = new byte[0];
        private String lastRoutingKey = "";
        private byte[] lastRoutingKeyBytes = new byte[0];

        /** The payload parts of a message that never expires. */
        public ByteBuffer[] encode(Message m) {
            return encode(m, Long.MAX_VALUE);
        }

        /** The payload parts of a message; valid while the message is and until {@link #reset}. */
        public ByteBuffer[] encode(Message m, long expiresAt) {
            byte[] exchange = exchangeBytes(m.exchange());
            byte[] routingKey = routingKeyBytes(m.routingKey());
            ByteBuf props = m.propertyBytes();
            ByteBuffer head = head(8 + 2 + exchange.length + routingKey.length + 4);
            head.putLong(expiresAt).put((byte) exchange.length).put(exchange).put((byte) routingKey.length).put(routingKey)
                    .putInt(props.readableBytes()).flip();
            ByteBuf body = m.body();
            if (body.nioBufferCount() == 1) {
                return new ByteBuffer[] {head, props.nioBuffer(), body.nioBuffer()};
            }
            ByteBuffer[] bodyParts = body.nioBuffers();
            ByteBuffer[] parts = new ByteBuffer[2 + bodyParts.length];
            parts[0] = head;
            parts[1] = props.nioBuffer();
            System.arraycopy(bodyParts, 0, parts, 2, bodyParts.length);
            return parts;
        }

        /** The heads handed out so far have been written: their space is free again. */
        public void reset() {
            if (scratch != null) {
                scratch.clear();
            }
        }

        private ByteBuffer head(int length) {
            if (scratch == null) {
                scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES);
            }
            if (scratch.remaining() < length) {
                return ByteBuffer.allocate(length);
            }
            ByteBuffer head = scratch.slice(scratch.position(), length);
            scratch.position(scratch.position() + length);
            return head;
        }

        // publishers repeat names, and a channel hands the same String on: compare by identity first
        private byte[] exchangeBytes(String exchange) {
            if (exchange != lastExchange && !exchange.equals(lastExchange)) {
                lastExchange = exchange;
                lastExchangeBytes = exchange.getBytes(StandardCharsets.UTF_8);
            }
            return lastExchangeBytes;
        }

        private byte[] routingKeyBytes(String routingKey) {
            if (routingKey != lastRoutingKey && !routingKey.equals(lastRoutingKey)) {
                lastRoutingKey = routingKey;
                lastRoutingKeyBytes = routingKey.getBytes(StandardCharsets.UTF_8);
            }
            return lastRoutingKeyBytes;
        }
    }

    /** When the message a payload holds expires (ms since the epoch, Long.MAX_VALUE for never). */
    public static long expiresAt(ByteBuffer payload) {
        return payload.getLong(payload.position());
    }

    /** The message a payload holds; the message owns the payload buffer from then on. */
    public static Message decode(ByteBuffer payload, NameCache names) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            buf.skipBytes(8);
            String exchange = names.get(buf, buf.readUnsignedByte());
            String routingKey = names.get(buf, buf.readUnsignedByte());
            int propsLength = buf.readInt();
            ByteBuf props = buf.readRetainedSlice(propsLength);
            ByteBuf body = buf.readRetainedSlice(buf.readableBytes());
            return new Message(exchange, routingKey, props, body);
        } finally {
            buf.release();
        }
    }

    /** The headers in a payload's properties (null when none), without building the message. */
    public static java.util.Map<String, Object> headers(ByteBuffer payload) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        buf.skipBytes(8); // expiry time
        buf.skipBytes(buf.readUnsignedByte()); // exchange
        buf.skipBytes(buf.readUnsignedByte()); // routing key
        int propsLength = buf.readInt();
        if (!io.warren.codec.BasicProperties.hasHeaders(buf.slice(buf.readerIndex(), propsLength))) {
            return null;
        }
        return io.warren.codec.BasicProperties.decode(buf.slice(buf.readerIndex(), propsLength)).headers();
    }

    /** Names read back repeat: the last few are reused instead of holding one String per message. */
    public static final class NameCache {
        private final String[] names = new String[8];
        private int next;

        String get(ByteBuf buf, int length) {
            for (String n : names) {
                if (n != null && n.length() == length && matches(buf, n)) {
                    buf.skipBytes(length);
                    return n;
                }
            }
            String s = buf.readCharSequence(length, StandardCharsets.UTF_8).toString();
            names[next] = s;
            next = (next + 1) % names.length;
            return s;
        }

        // ASCII names compare byte by byte; others simply miss the cache
        private static boolean matches(ByteBuf buf, String n) {
            int at = buf.readerIndex();
            for (int i = 0; i < n.length(); i++) {
                if (buf.getByte(at + i) != n.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
