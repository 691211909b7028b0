package io.warren.broker.queue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.message.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message as a log record's payload: exchange and routing key as short strings, the property bytes as
 * received (length-prefixed), then the body. Writing hands the log the message's own buffers, uncopied.
 */
final class MessageRecord {
    private MessageRecord() {
    }

    /** The payload parts of a message; valid while the message is. */
    static ByteBuffer[] encode(Message m) {
        byte[] exchange = m.exchange().getBytes(StandardCharsets.UTF_8);
        byte[] routingKey = m.routingKey().getBytes(StandardCharsets.UTF_8);
        ByteBuf props = m.propertyBytes();
        ByteBuffer head = ByteBuffer.allocate(2 + exchange.length + routingKey.length + 4);
        head.put((byte) exchange.length).put(exchange).put((byte) routingKey.length).put(routingKey)
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

    /** The message a payload holds; the message owns the payload buffer from then on. */
    static Message decode(ByteBuffer payload, NameCache names) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
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

    /** Names read back repeat: the last few are reused instead of holding one String per message. */
    static final class NameCache {
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
