package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.CorruptStateException;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.protocol.Message;

/**
 * What the submitter of a shard entry hears once it is applied: the effects meant for it, in order. Enqueues
 * confirmed ({@code Enqueued}, or {@code EnqueueDuplicate}: applied by an earlier try) or refused per origin
 * sequence, basic.get results (with the message bytes, attached by the leader), purge counts and refused
 * consumers. Deliveries and the rest go to the leader's {@link ShardEffects} instead.
 */
public record ShardReply(List<Effect> effects, Map<Long, ByteBuffer> dequeuedBodies) {
    private static final byte VERSION = 1;
    private static final byte ENQUEUED = 1;
    private static final byte REFUSED = 2;
    private static final byte DUPLICATE = 3;
    private static final byte DEQUEUED = 4;
    private static final byte DEQUEUE_EMPTY = 5;
    private static final byte PURGED = 6;
    private static final byte CONSUMER_REFUSED = 7;

    /** Whether the submitter hears about this effect. */
    static boolean forSubmitter(Effect e) {
        return e instanceof Effect.Enqueued || e instanceof Effect.EnqueueRefused
                || e instanceof Effect.EnqueueDuplicate || e instanceof Effect.Dequeued
                || e instanceof Effect.DequeueEmpty || e instanceof Effect.Purged
                || e instanceof Effect.ConsumerRefused;
    }

    /** The body of a basic.get result, or null when the reply came from a replica that was not the leader. */
    public ByteBuffer dequeuedBody(long msgId) {
        ByteBuffer b = dequeuedBodies.get(msgId);
        return b == null ? null : b.duplicate();
    }

    /** Encodes the submitter's effects; bodies (by msgId) go with the Dequeued ones found there. */
    static Message encode(List<Effect> effects, Map<Long, ByteBuffer> bodies) {
        List<Effect> mine = new ArrayList<>(effects.size());
        for (Effect e : effects) {
            if (forSubmitter(e)) {
                mine.add(e);
            }
        }
        // an entry's many confirms name the same queue and origin: each string is encoded once per reply
        Map<String, byte[]> strings = new HashMap<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 64 * mine.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(mine.size());
            for (Effect e : mine) {
                write(out, e, bodies, strings);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations
                .unsafeWrap(bytes.toByteArray()));
    }

    /** The reply to an entry no replica could read: the reason, so the submitter can tell its caller. */
    static Message refusedEntry(String why) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(-1);
            out.writeUTF(why);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations
                .unsafeWrap(bytes.toByteArray()));
    }

    private static void write(DataOutputStream out, Effect e, Map<Long, ByteBuffer> bodies,
                              Map<String, byte[]> strings) throws IOException {
        if (e instanceof Effect.Enqueued x) {
            out.writeByte(ENQUEUED);
            queue(out, x.queue(), strings);
            origin(out, x.origin(), strings);
            out.writeLong(x.seq());
            out.writeLong(x.msgId());
        } else if (e instanceof Effect.EnqueueRefused x) {
            out.writeByte(REFUSED);
            queue(out, x.queue(), strings);
            origin(out, x.origin(), strings);
            out.writeLong(x.seq());
            out.writeUTF(x.why());
        } else if (e instanceof Effect.EnqueueDuplicate x) {
            out.writeByte(DUPLICATE);
            queue(out, x.queue(), strings);
            origin(out, x.origin(), strings);
            out.writeLong(x.seq());
        } else if (e instanceof Effect.Dequeued x) {
            out.writeByte(DEQUEUED);
            queue(out, x.queue(), strings);
            consumer(out, x.getter(), strings);
            out.writeLong(x.msgId());
            out.writeBoolean(x.redelivered());
            out.writeInt(x.deliveryCount());
            out.writeLong(x.remaining());
            ByteBuffer body = bodies.get(x.msgId());
            out.writeInt(body == null ? -1 : body.remaining());
            if (body != null) {
                ByteBuffer b = body.duplicate();
                byte[] chunk = new byte[Math.min(8192, b.remaining())];
                while (b.hasRemaining()) {
                    int n = Math.min(chunk.length, b.remaining());
                    b.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
        } else if (e instanceof Effect.DequeueEmpty x) {
            out.writeByte(DEQUEUE_EMPTY);
            queue(out, x.queue(), strings);
            consumer(out, x.getter(), strings);
        } else if (e instanceof Effect.Purged x) {
            out.writeByte(PURGED);
            queue(out, x.queue(), strings);
            out.writeLong(x.count());
        } else if (e instanceof Effect.ConsumerRefused x) {
            out.writeByte(CONSUMER_REFUSED);
            queue(out, x.queue(), strings);
            consumer(out, x.consumer(), strings);
            out.writeUTF(x.why());
        }
    }

    /** Reads a reply. A refused entry is an {@link IllegalArgumentException} with the replicas' reason. */
    public static ShardReply decode(Message reply) {
        byte[] bytes = reply.getContent().toByteArray();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new CorruptStateException("shard reply version " + version + " is not " + VERSION);
            }
            int n = in.readInt();
            if (n < 0) {
                throw new IllegalArgumentException("the shard refused the entry: " + in.readUTF());
            }
            List<Effect> effects = new ArrayList<>(n);
            Map<Long, ByteBuffer> bodies = new HashMap<>();
            for (int i = 0; i < n; i++) {
                effects.add(read(in, bodies));
            }
            return new ShardReply(List.copyOf(effects), Map.copyOf(bodies));
        } catch (IOException e) {
            throw new CorruptStateException("shard reply of " + bytes.length + " bytes is truncated");
        }
    }

    private static Effect read(DataInputStream in, Map<Long, ByteBuffer> bodies) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case ENQUEUED -> new Effect.Enqueued(queue(in), origin(in), in.readLong(), in.readLong());
            case REFUSED -> new Effect.EnqueueRefused(queue(in), origin(in), in.readLong(), in.readUTF());
            case DUPLICATE -> new Effect.EnqueueDuplicate(queue(in), origin(in), in.readLong());
            case DEQUEUED -> {
                Effect.Dequeued d = new Effect.Dequeued(queue(in), consumer(in), in.readLong(), in.readBoolean(),
                        in.readInt(), in.readLong());
                int length = in.readInt();
                if (length >= 0) {
                    byte[] body = new byte[length];
                    in.readFully(body);
                    bodies.put(d.msgId(), ByteBuffer.wrap(body).asReadOnlyBuffer());
                }
                yield d;
            }
            case DEQUEUE_EMPTY -> new Effect.DequeueEmpty(queue(in), consumer(in));
            case PURGED -> new Effect.Purged(queue(in), in.readLong());
            case CONSUMER_REFUSED -> new Effect.ConsumerRefused(queue(in), consumer(in), in.readUTF());
            default -> throw new CorruptStateException("shard reply: unknown effect tag " + tag);
        };
    }

    // the bytes DataOutputStream.writeUTF writes for s, encoded once per reply
    private static void utf(DataOutputStream out, String s, Map<String, byte[]> strings) throws IOException {
        byte[] b = strings.get(s);
        if (b == null) {
            ByteArrayOutputStream one = new ByteArrayOutputStream(s.length() + 2);
            new DataOutputStream(one).writeUTF(s);
            b = one.toByteArray();
            strings.put(s, b);
        }
        out.write(b);
    }

    private static void queue(DataOutputStream out, QueueKey q, Map<String, byte[]> strings) throws IOException {
        utf(out, q.vhost(), strings);
        utf(out, q.name(), strings);
    }

    private static QueueKey queue(DataInputStream in) throws IOException {
        return new QueueKey(in.readUTF(), in.readUTF());
    }

    private static void origin(DataOutputStream out, Origin o, Map<String, byte[]> strings) throws IOException {
        utf(out, o.node(), strings);
        out.writeLong(o.epoch());
    }

    private static Origin origin(DataInputStream in) throws IOException {
        return new Origin(in.readUTF(), in.readLong());
    }

    private static void consumer(DataOutputStream out, ConsumerKey c, Map<String, byte[]> strings)
            throws IOException {
        utf(out, c.node(), strings);
        out.writeLong(c.epoch());
        out.writeLong(c.id());
    }

    private static ConsumerKey consumer(DataInputStream in) throws IOException {
        return new ConsumerKey(in.readUTF(), in.readLong(), in.readLong());
    }
}
