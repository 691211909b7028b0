package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.warren.broker.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The link's frames: a 4-byte length, a type byte and the payload. A publish carries a batch of messages for one
 * queue; their property bytes and bodies go in as retained slices of the messages' own buffers (a composite
 * buffer), so the only copy is the socket's.
 */
final class LinkFrames {
    /** A batch of messages for a queue on the receiving node: id (0: no answer wanted), vhost, queue, messages. */
    static final byte PUBLISH = 1;
    /** The answer to a publish once the home node has fsynced what it logged: id, outcome, refused indices. */
    static final byte PUBLISHED = 2;

    /** The batch was taken, and its persistent messages are on the home node's disk. */
    static final byte OK = 0;
    /** The home node could not make the batch durable, or has no such queue: the publisher hears a nack. */
    static final byte FAILED = 1;

    /** Largest frame accepted: a batch of messages of up to 128 MiB each is split before that. */
    static final int MAX_FRAME = Integer.MAX_VALUE - 8;

    private LinkFrames() {
    }

    /** A publish frame; takes over one reference of each message. */
    static ByteBuf publish(ByteBufAllocator alloc, long id, String vhost, String queue, List<Message> messages) {
        CompositeByteBuf out = alloc.compositeDirectBuffer(2 + messages.size() * 3);
        ByteBuf head = alloc.directBuffer(64);
        head.writeInt(0); // length, set below
        head.writeByte(PUBLISH);
        head.writeLong(id);
        writeString(head, vhost);
        writeString(head, queue);
        head.writeInt(messages.size());
        int length = 0;
        ByteBuf part = head;
        for (Message m : messages) {
            writeString(part, m.exchange());
            writeString(part, m.routingKey());
            part.writeInt(m.propertyBytes().readableBytes());
            length += part.readableBytes();
            out.addComponent(true, part);
            ByteBuf props = m.propertyBytes().retainedDuplicate();
            length += props.readableBytes();
            out.addComponent(true, props);
            ByteBuf bodyLength = alloc.directBuffer(4).writeInt(m.bodySize());
            length += 4;
            out.addComponent(true, bodyLength);
            ByteBuf body = m.body().retainedDuplicate();
            length += body.readableBytes();
            out.addComponent(true, body);
            m.release();
            part = alloc.directBuffer(64);
        }
        if (part != head) {
            part.release();
        }
        if (messages.isEmpty()) {
            length += head.readableBytes();
            out.addComponent(true, head);
        }
        out.setInt(0, length - 4);
        return out;
    }

    /** A decoded publish: its messages hold retained slices of the frame. */
    record Publish(long id, String vhost, String queue, List<Message> messages) {
    }

    /** Reads a publish frame's payload (after the type byte). */
    static Publish readPublish(ByteBuf in) {
        long id = in.readLong();
        String vhost = readString(in);
        String queue = readString(in);
        int count = in.readInt();
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String exchange = readString(in);
            String key = readString(in);
            ByteBuf props = in.readRetainedSlice(in.readInt());
            ByteBuf body = in.readRetainedSlice(in.readInt());
            messages.add(new Message(exchange, key, props, body));
        }
        return new Publish(id, vhost, queue, messages);
    }

    /** The answer to a publish; refused holds the indices of messages a full queue refused. */
    static ByteBuf published(ByteBufAllocator alloc, long id, byte outcome, int[] refused, String error) {
        ByteBuf out = alloc.buffer(32 + refused.length * 4);
        out.writeInt(0);
        out.writeByte(PUBLISHED);
        out.writeLong(id);
        out.writeByte(outcome);
        out.writeInt(refused.length);
        for (int r : refused) {
            out.writeInt(r);
        }
        writeString(out, error == null ? "" : error);
        out.setInt(0, out.readableBytes() - 4);
        return out;
    }

    /** A decoded publish answer. */
    record Published(long id, byte outcome, int[] refused, String error) {
    }

    static Published readPublished(ByteBuf in) {
        long id = in.readLong();
        byte outcome = in.readByte();
        int[] refused = new int[in.readInt()];
        for (int i = 0; i < refused.length; i++) {
            refused[i] = in.readInt();
        }
        return new Published(id, outcome, refused, readString(in));
    }

    static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    static String readString(ByteBuf in) {
        int n = in.readInt();
        String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
        in.skipBytes(n);
        return s;
    }
}
