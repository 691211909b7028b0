package io.warren.broker.queue.stream;

import io.warren.broker.message.Message;
import io.warren.broker.queue.MessageRecord;
import io.warren.codec.BasicProperties;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message as a stream keeps it: the head and property bytes of a classic queue's log record (see
 * {@link MessageRecord}) as the stream record's header, the body as its body, so a message reads back exactly as
 * it was published. Read back, it carries the x-stream-offset header consumers see. On the stream's loop.
 */
final class StreamMessages {
    /** The header stream consumers read a message's offset from (a long). */
    static final String OFFSET_HEADER = "x-stream-offset";

    private final MessageRecord.Encoder encoder = new MessageRecord.Encoder();
    private final MessageRecord.NameCache names = new MessageRecord.NameCache();

    /** The record header of a message: expiry (never), exchange, routing key and the property bytes. */
    byte[] header(Message m) {
        ByteBuffer[] parts = encoder.encode(m);
        try {
            ByteBuffer head = parts[0];
            ByteBuffer props = parts[1];
            byte[] out = new byte[head.remaining() + props.remaining()];
            head.get(out, 0, head.remaining());
            props.get(out, out.length - props.remaining(), props.remaining());
            return out;
        } finally {
            encoder.reset();
        }
    }

    /** The body bytes, copied (the log keeps them until its next flush, longer than the message may live). */
    static byte[] body(Message m) {
        byte[] out = new byte[m.bodySize()];
        m.body().getBytes(m.body().readerIndex(), out);
        return out;
    }

    /** The message a record holds, as published. */
    Message decode(byte[] header, byte[] body) {
        ByteBuffer payload = ByteBuffer.allocate(header.length + body.length);
        payload.put(header).put(body).flip();
        return MessageRecord.decode(payload, names);
    }

    /** A copy of the message that carries its offset in the x-stream-offset header; releases the original. */
    static Message withOffset(Message m, long offset) {
        BasicProperties p = m.properties();
        Map<String, Object> headers = p.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.headers());
        headers.put(OFFSET_HEADER, offset);
        Message stamped = Message.withProperties(m.exchange(), m.routingKey(), p.withHeaders(headers),
                m.body().retain());
        m.release();
        return stamped;
    }
}
