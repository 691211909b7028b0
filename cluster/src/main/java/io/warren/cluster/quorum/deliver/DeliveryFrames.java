package io.warren.cluster.quorum.deliver;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.message.Message;
import io.warren.cluster.quorum.QuorumMessageFormat;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The link frames a shard leader sends to a node with quorum queue consumers (types 70-79 of the cluster link):
 * each is {@code [i32 length][type][u16 vhost][u16 queue][u16 consumer node][i64 epoch][i64 consumer id]} and then
 * <ul>
 * <li>{@link #Q_DELIVER}: {@code [i32 count]} and per message {@code [i64 msgId][flags: 1 redelivered, 2 resent]
 * [i32 delivery count][i32 length][the stored message]} (the bytes of {@link QuorumMessageFormat}, as stored);</li>
 * <li>{@link #Q_CANCELLED}: {@code [u16 why]};</li>
 * <li>{@link #Q_ACTIVITY}: {@code [active 0|1]}.</li>
 * </ul>
 * Strings are UTF-8 after their unsigned 16-bit length.
 */
public final class DeliveryFrames {
    /** Messages checked out to a consumer on the receiving node. */
    public static final byte Q_DELIVER = 70;
    /** The shard ended a consumer on the receiving node (its queue went, or it was declared gone). */
    public static final byte Q_CANCELLED = 71;
    /** A single active consumer on the receiving node became active, or waits. */
    public static final byte Q_ACTIVITY = 72;

    static final int REDELIVERED = 1;
    static final int RESENT = 2;
    /** A frame is closed and another begun past this many bytes, so no frame nears the link's 2 GiB limit. */
    static final int FRAME_BYTES = 4 * 1024 * 1024;
    /** Nor past this many messages, so a frame of small messages stays one composite buffer without a copy. */
    static final int FRAME_MESSAGES = 8192;

    private DeliveryFrames() {
    }

    /** True for the frame types this class reads. */
    public static boolean isDeliveryFrame(byte type) {
        return type == Q_DELIVER || type == Q_CANCELLED || type == Q_ACTIVITY;
    }

    /**
     * Frames for one node, in the order they are added; a run of deliveries to the same consumer shares a frame.
     * Message bytes go in as wrappers of the bodies given (no copy here: the link's socket write makes the only one).
     * Not thread-safe: one is filled by one thread, then {@link #finish}ed.
     */
    static final class Batch {
        private final ByteBufAllocator alloc;
        private final List<ByteBuf> frames = new ArrayList<>();
        private int messages;
        // the open Q_DELIVER frame, its consumer and queue, and its message count's position in the head
        private CompositeByteBuf open;
        private ByteBuf head;
        private QueueKey openQueue;
        private ConsumerKey openConsumer;
        private int openCount;
        private int countAt;

        Batch(ByteBufAllocator alloc) {
            this.alloc = alloc;
        }

        /** Adds one message for the consumer; body is the stored message, kept (not copied) until sent. */
        void deliver(QueueKey queue, ConsumerKey consumer, long msgId, boolean redelivered, boolean resent,
                     int deliveryCount, ByteBuffer body) {
            if (open == null || !queue.equals(openQueue) || !consumer.equals(openConsumer)
                    || open.readableBytes() + head.readableBytes() > FRAME_BYTES || openCount >= FRAME_MESSAGES) {
                close();
                open = alloc.compositeDirectBuffer(2 * FRAME_MESSAGES + 2);
                head = alloc.directBuffer(128);
                start(head, Q_DELIVER, queue, consumer);
                countAt = head.writerIndex();
                head.writeInt(0);
                openQueue = queue;
                openConsumer = consumer;
                openCount = 0;
            }
            head.writeLong(msgId);
            head.writeByte((redelivered ? REDELIVERED : 0) | (resent ? RESENT : 0));
            head.writeInt(deliveryCount);
            head.writeInt(body.remaining());
            open.addComponent(true, head);
            open.addComponent(true, Unpooled.wrappedBuffer(body.slice()));
            head = alloc.directBuffer(32);
            openCount++;
            messages++;
        }

        /** The consumer was ended by the shard. */
        void cancelled(QueueKey queue, ConsumerKey consumer, String why) {
            close();
            ByteBuf out = alloc.directBuffer(64);
            start(out, Q_CANCELLED, queue, consumer);
            writeString(out, why == null ? "" : why);
            frames.add(sized(out));
        }

        /** The single active consumer became active (or waits). */
        void activity(QueueKey queue, ConsumerKey consumer, boolean active) {
            close();
            ByteBuf out = alloc.directBuffer(64);
            start(out, Q_ACTIVITY, queue, consumer);
            out.writeBoolean(active);
            frames.add(sized(out));
        }

        /** Messages added so far. */
        int messages() {
            return messages;
        }

        boolean isEmpty() {
            return frames.isEmpty() && open == null;
        }

        /** Every frame as one buffer, for one write and one flush. */
        ByteBuf finish() {
            close();
            if (frames.size() == 1) {
                return frames.get(0);
            }
            CompositeByteBuf all = alloc.compositeDirectBuffer(Math.max(2, frames.size()));
            all.addComponents(true, frames);
            return all;
        }

        /** Releases what was built without sending it. */
        void discard() {
            close();
            frames.forEach(ByteBuf::release);
            frames.clear();
        }

        private void close() {
            if (open == null) {
                return;
            }
            if (head.isReadable()) {
                open.addComponent(true, head);
            } else {
                head.release();
            }
            // the count sits in the first component (the frame's head), which holds everything up to it
            open.setInt(countAt, openCount);
            open.setInt(0, open.readableBytes() - 4);
            frames.add(open);
            open = null;
            head = null;
        }
    }

    private static void start(ByteBuf out, byte type, QueueKey queue, ConsumerKey consumer) {
        out.writeInt(0); // the length, set when the frame is complete
        out.writeByte(type);
        writeString(out, queue.vhost());
        writeString(out, queue.name());
        writeString(out, consumer.node());
        out.writeLong(consumer.epoch());
        out.writeLong(consumer.id());
    }

    private static ByteBuf sized(ByteBuf out) {
        return out.setInt(0, out.readableBytes() - 4);
    }

    private static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("a name of " + b.length + " bytes does not fit a delivery frame");
        }
        out.writeShort(b.length);
        out.writeBytes(b);
    }

    private static String readString(ByteBuf in) {
        int n = in.readUnsignedShort();
        String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
        in.skipBytes(n);
        return s;
    }

    /** One message of a Q_DELIVER frame; the message holds retained slices of the frame. */
    public record Delivery(long msgId, boolean redelivered, boolean resent, int deliveryCount, Message message) {
    }

    /** A decoded frame: deliveries (Q_DELIVER), why (Q_CANCELLED) or active (Q_ACTIVITY) as its type says. */
    public record Frame(byte type, QueueKey queue, ConsumerKey consumer, List<Delivery> deliveries, String why,
                        boolean active) {
        /** Releases the messages of a frame that was not handed on. */
        public void release() {
            deliveries.forEach(d -> d.message().release());
        }
    }

    /**
     * Reads a frame's payload (after its length, from its type byte on). Its messages hold retained slices of in;
     * the caller still releases in. Bad input gives an IllegalArgumentException naming what was wrong, and nothing
     * stays retained.
     */
    public static Frame read(ByteBuf in) {
        byte type = in.readByte();
        List<Delivery> deliveries = new ArrayList<>();
        try {
            QueueKey queue = new QueueKey(readString(in), readString(in));
            ConsumerKey consumer = new ConsumerKey(readString(in), in.readLong(), in.readLong());
            switch (type) {
                case Q_DELIVER -> {
                    int count = in.readInt();
                    if (count < 0) {
                        throw new IllegalArgumentException("negative message count " + count);
                    }
                    for (int i = 0; i < count; i++) {
                        long msgId = in.readLong();
                        int flags = in.readUnsignedByte();
                        int deliveryCount = in.readInt();
                        int length = in.readInt();
                        if (length < 0 || length > in.readableBytes()) {
                            throw new IllegalArgumentException("message " + msgId + " of " + length
                                    + " bytes runs past the frame");
                        }
                        ByteBuf stored = in.readSlice(length);
                        deliveries.add(new Delivery(msgId, (flags & REDELIVERED) != 0, (flags & RESENT) != 0,
                                deliveryCount, QuorumMessageFormat.decode(stored)));
                    }
                    return new Frame(type, queue, consumer, deliveries, null, false);
                }
                case Q_CANCELLED -> {
                    return new Frame(type, queue, consumer, List.of(), readString(in), false);
                }
                case Q_ACTIVITY -> {
                    return new Frame(type, queue, consumer, List.of(), null, in.readBoolean());
                }
                default -> throw new IllegalArgumentException("frame type " + type + " is not a delivery frame");
            }
        } catch (IndexOutOfBoundsException e) {
            deliveries.forEach(d -> d.message().release());
            throw new IllegalArgumentException("delivery frame of type " + type + " is truncated", e);
        } catch (RuntimeException e) {
            deliveries.forEach(d -> d.message().release());
            throw e;
        }
    }
}
