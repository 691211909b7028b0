package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.message.Message;
import io.warren.codec.FieldTables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /** A consumer here for a queue on the receiving node: id, vhost, queue, tag, prefetch, no-ack, priority. */
    static final byte CONSUME = 3;
    /** Messages for a consumer on the receiving node: consumer id, then per message its delivery id and redelivered. */
    static final byte DELIVER = 4;
    /** Deliveries the consumer's node settled: a kind (ACK, REJECT, REQUEUE, UNDELIVERED) and delivery ids. */
    static final byte SETTLE = 5;
    /** The consumer's node cancels a consumer: its id. */
    static final byte CANCEL = 6;
    /** The home node ended a consumer (its queue went away, or never was there): id and why. */
    static final byte CANCELLED = 7;

    /** A basic.get for a queue on the receiving node: id, vhost, queue, no-ack. */
    static final byte GET = 8;
    /** Its answer: id, then 0 (empty), 1 (a message: delivery id, redelivered, remaining, message) or 2 (error). */
    static final byte GOT = 9;
    /** A queue.purge for a queue on the receiving node: id, vhost, queue. */
    static final byte PURGE = 10;
    /** Its answer: id, then 0 and the count, or 2 and the error. */
    static final byte PURGED = 11;

    /** A queue's counts for queue.declare-ok: id, vhost, queue, whether it is a use of the queue (passive). */
    static final byte COUNT = 12;
    /** Its answer: id, then 0, ready messages and consumers, or 2 and the error. */
    static final byte COUNTED = 13;

    /**
     * A node's status report (types 20-29 are node status): its measurements, alarms, counts and the figures of the
     * queues homed on it; payload as written by io.warren.cluster.status.StatusCodec. No answer.
     */
    static final byte STATUS = 20;
    // 40-49: consumers with all their basic.consume details, answered (this branch's range of type codes)
    /** A consumer here for a queue on the receiving node: id, vhost, queue, tag, prefetch, no-ack, exclusive, args. */
    static final byte CONSUME_ARGS = 40;
    /** The home node's answer to it: id, reply code (0: taken) and text. */
    static final byte CONSUMED = 41;
    /** Up to max ready messages of a queue on the receiving node, taken as unacked (a move): id, vhost, queue, max. */
    static final byte TAKE = 42;
    /** Its answer: id, then 0 and the count and per message its delivery id, redelivered and the message; or 2. */
    static final byte TAKEN = 43;
    // 60-69: the publish connection, apart from everything else (see LinkPeer)
    /** First frame of a node's publish connection: it carries publishes only, and its reading may be paused. */
    static final byte PUBLISH_LANE = 60;
    /** From the home node on a publish connection: how many publish frames of it have been handed to their queues. */
    static final byte HANDLED = 61;

    // 70-79: a quorum queue shard leader's deliveries to consumers on the receiving node
    // (io.warren.cluster.quorum.deliver.DeliveryFrames, read by its DeliveriesInbound ahead of the HomeSession)

    // 50-59: the management API's listings of every node's consumers (ConsumerListFrames has their payloads)
    /** Which consumers of the receiving node's connections are wanted: id, vhost and queue (each optional). */
    static final byte CONSUMERS = 50;
    /** Its answer: id, count, per consumer its node, client address and ConsumerView fields. */
    static final byte CONSUMER_LIST = 51;

    // 80-89: quorum shard catch-up, a replica fetching a shard snapshot from another (payloads: quorum.catchup)
    /** A part of a shard snapshot's state: id, then the request. */
    static final byte SNAPSHOT_FETCH = 80;
    /** Its answer: id, then 0 and the snapshot's term, index, length and the part, or 2 and the error. */
    static final byte SNAPSHOT_META = 81;
    /** Bodies a shard snapshot holds live: id, then the shard, the queue and the msgIds wanted. */
    static final byte SNAPSHOT_BODIES_FETCH = 82;
    /** Its answer: id, then 0 and the bodies (each present or gone), or 2 and the error. */
    static final byte SNAPSHOT_BODIES = 83;

    static final byte ACK = 0;
    static final byte REJECT = 1;
    static final byte REQUEUE = 2;
    static final byte UNDELIVERED = 3;

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
        FrameBuilder f = new FrameBuilder(alloc, PUBLISH, messages.size());
        f.fields().writeLong(id);
        writeString(f.fields(), vhost);
        writeString(f.fields(), queue);
        f.fields().writeInt(messages.size());
        for (Message m : messages) {
            f.message(m);
            m.release();
        }
        return f.finish();
    }

    /** Reads a message written by {@link FrameBuilder#message}: it holds retained slices of the frame. */
    static Message readMessage(ByteBuf in) {
        String exchange = readString(in);
        String key = readString(in);
        ByteBuf props = in.readRetainedSlice(in.readInt());
        ByteBuf body = in.readRetainedSlice(in.readInt());
        return new Message(exchange, key, props, body);
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
            messages.add(readMessage(in));
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

    static ByteBuf consume(ByteBufAllocator alloc, long id, String vhost, String queue, String tag, int prefetch,
                           boolean noAck, int priority) {
        ByteBuf out = alloc.buffer(64);
        out.writeInt(0);
        out.writeByte(CONSUME);
        out.writeLong(id);
        writeString(out, vhost);
        writeString(out, queue);
        writeString(out, tag);
        out.writeInt(prefetch);
        out.writeBoolean(noAck);
        out.writeInt(priority);
        return sized(out);
    }

    /** A decoded consume. */
    record Consume(long id, String vhost, String queue, String tag, int prefetch, boolean noAck, int priority) {
    }

    static Consume readConsume(ByteBuf in) {
        return new Consume(in.readLong(), readString(in), readString(in), readString(in), in.readInt(),
                in.readBoolean(), in.readInt());
    }

    /** A consume with every argument of the client's basic.consume; the home node answers with CONSUMED. */
    static ByteBuf consumeArgs(ByteBufAllocator alloc, long id, String vhost, String queue, String tag, int prefetch,
                               boolean noAck, boolean exclusive, Map<String, Object> arguments) {
        ByteBuf out = alloc.buffer(128);
        out.writeInt(0);
        out.writeByte(CONSUME_ARGS);
        out.writeLong(id);
        writeString(out, vhost);
        writeString(out, queue);
        writeString(out, tag);
        out.writeInt(prefetch);
        out.writeBoolean(noAck);
        out.writeBoolean(exclusive);
        FieldTables.write(out, arguments);
        return sized(out);
    }

    /** A decoded consume with arguments. */
    record ConsumeArgs(long id, String vhost, String queue, String tag, int prefetch, boolean noAck,
                       boolean exclusive, Map<String, Object> arguments) {
    }

    static ConsumeArgs readConsumeArgs(ByteBuf in) {
        return new ConsumeArgs(in.readLong(), readString(in), readString(in), readString(in), in.readInt(),
                in.readBoolean(), in.readBoolean(), FieldTables.read(in));
    }

    /** The answer to a consume with arguments: code 0 when the consumer was taken, else the AMQP reply code. */
    static ByteBuf consumed(ByteBufAllocator alloc, long id, int code, String text) {
        ByteBuf out = alloc.buffer(64);
        out.writeInt(0);
        out.writeByte(CONSUMED);
        out.writeLong(id);
        out.writeShort(code);
        writeString(out, text == null ? "" : text);
        return sized(out);
    }

    static ByteBuf take(ByteBufAllocator alloc, long id, String vhost, String queue, int max) {
        ByteBuf out = alloc.buffer(64);
        out.writeInt(0);
        out.writeByte(TAKE);
        out.writeLong(id);
        writeString(out, vhost);
        writeString(out, queue);
        out.writeInt(max);
        return sized(out);
    }

    /** A decoded take. */
    record Take(long id, String vhost, String queue, int max) {
    }

    static Take readTake(ByteBuf in) {
        return new Take(in.readLong(), readString(in), readString(in), in.readInt());
    }

    /** A frame of its type alone (PUBLISH_LANE). */
    static ByteBuf bare(ByteBufAllocator alloc, byte type) {
        ByteBuf out = alloc.buffer(5);
        out.writeInt(1);
        out.writeByte(type);
        return out;
    }

    /** HANDLED: the count of publish frames handed to their queues since the connection opened. */
    static ByteBuf handled(ByteBufAllocator alloc, long count) {
        ByteBuf out = alloc.buffer(13);
        out.writeInt(9);
        out.writeByte(HANDLED);
        out.writeLong(count);
        return out;
    }

    static ByteBuf settle(ByteBufAllocator alloc, byte kind, long[] deliveries) {
        ByteBuf out = alloc.buffer(16 + deliveries.length * 8);
        out.writeInt(0);
        out.writeByte(SETTLE);
        out.writeByte(kind);
        out.writeInt(deliveries.length);
        for (long d : deliveries) {
            out.writeLong(d);
        }
        return sized(out);
    }

    /** A cancel (from the consumer's node) or cancelled (from the home node, with why). */
    static ByteBuf cancel(ByteBufAllocator alloc, byte type, long id, String why) {
        ByteBuf out = alloc.buffer(32);
        out.writeInt(0);
        out.writeByte(type);
        out.writeLong(id);
        writeString(out, why == null ? "" : why);
        return sized(out);
    }

    /** A get or purge request. */
    static ByteBuf request(ByteBufAllocator alloc, byte type, long id, String vhost, String queue, boolean noAck) {
        ByteBuf out = alloc.buffer(64);
        out.writeInt(0);
        out.writeByte(type);
        out.writeLong(id);
        writeString(out, vhost);
        writeString(out, queue);
        out.writeBoolean(noAck);
        return sized(out);
    }

    /** A decoded get or purge request. */
    record Request(long id, String vhost, String queue, boolean noAck) {
    }

    static Request readRequest(ByteBuf in) {
        return new Request(in.readLong(), readString(in), readString(in), in.readBoolean());
    }

    static ByteBuf failed(ByteBufAllocator alloc, byte type, long id, String error) {
        ByteBuf out = alloc.buffer(32);
        out.writeInt(0);
        out.writeByte(type);
        out.writeLong(id);
        out.writeByte(2);
        writeString(out, error);
        return sized(out);
    }

    static ByteBuf purged(ByteBufAllocator alloc, long id, int count) {
        ByteBuf out = alloc.buffer(24);
        out.writeInt(0);
        out.writeByte(PURGED);
        out.writeLong(id);
        out.writeByte(0);
        out.writeInt(count);
        return sized(out);
    }

    static ByteBuf counted(ByteBufAllocator alloc, long id, int messages, int consumers) {
        ByteBuf out = alloc.buffer(24);
        out.writeInt(0);
        out.writeByte(COUNTED);
        out.writeLong(id);
        out.writeByte(0);
        out.writeInt(messages);
        out.writeInt(consumers);
        return sized(out);
    }

    static ByteBuf gotEmpty(ByteBufAllocator alloc, long id) {
        ByteBuf out = alloc.buffer(24);
        out.writeInt(0);
        out.writeByte(GOT);
        out.writeLong(id);
        out.writeByte(0);
        return sized(out);
    }

    /** A got frame with a message; retains the message's buffers, not the message. */
    static ByteBuf got(ByteBufAllocator alloc, long id, long delivery, boolean redelivered, int remaining, Message m) {
        FrameBuilder f = new FrameBuilder(alloc, GOT, 1);
        f.fields().writeLong(id);
        f.fields().writeByte(1);
        f.fields().writeLong(delivery);
        f.fields().writeBoolean(redelivered);
        f.fields().writeInt(remaining);
        f.message(m);
        return f.finish();
    }

    private static ByteBuf sized(ByteBuf out) {
        return out.setInt(0, out.readableBytes() - 4);
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
