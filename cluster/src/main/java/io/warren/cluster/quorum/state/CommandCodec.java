package io.warren.cluster.quorum.state;

import io.warren.cluster.quorum.state.Command.AttachQueue;
import io.warren.cluster.quorum.state.Command.Cancel;
import io.warren.cluster.quorum.state.Command.Checkout;
import io.warren.cluster.quorum.state.Command.ConfigureQueue;
import io.warren.cluster.quorum.state.Command.DeadLetterSettle;
import io.warren.cluster.quorum.state.Command.Dequeue;
import io.warren.cluster.quorum.state.Command.DetachQueue;
import io.warren.cluster.quorum.state.Command.Discard;
import io.warren.cluster.quorum.state.Command.Enqueue;
import io.warren.cluster.quorum.state.Command.NodeDown;
import io.warren.cluster.quorum.state.Command.Purge;
import io.warren.cluster.quorum.state.Command.Return;
import io.warren.cluster.quorum.state.Command.Settle;
import io.warren.cluster.quorum.state.Command.Tick;
import io.warren.cluster.quorum.state.Command.Touch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command batch as bytes for the Raft log: a version byte, a table of the strings used (vhosts, queue names,
 * node names: each written once per batch, however many messages name it), then the commands, each a tag byte and
 * its fields as variable-length numbers. Bodies are not here; they travel beside the batch.
 */
public final class CommandCodec {
    static final int VERSION = 1;

    private static final int ATTACH = 1;
    private static final int CONFIGURE = 2;
    private static final int DETACH = 3;
    private static final int ENQUEUE = 4;
    private static final int CHECKOUT = 5;
    private static final int CANCEL = 6;
    private static final int SETTLE = 7;
    private static final int RETURN = 8;
    private static final int DISCARD = 9;
    private static final int DEQUEUE = 10;
    private static final int PURGE = 11;
    private static final int TICK = 12;
    private static final int NODE_DOWN = 13;
    private static final int DEAD_LETTER_SETTLE = 14;
    private static final int TOUCH = 15;

    private CommandCodec() {
    }

    public static byte[] encode(CommandBatch batch) {
        Map<String, Integer> strings = new LinkedHashMap<>();
        long[] lastTime = {0};
        BinaryWriter body = new BinaryWriter(32 * batch.commands().size());
        body.writeVarLong(batch.commands().size());
        for (Command c : batch.commands()) {
            write(c, body, strings, lastTime);
        }
        byte[] commands = body.toByteArray();
        BinaryWriter out = new BinaryWriter(commands.length + 16 * strings.size() + 8);
        out.writeByte(VERSION);
        out.writeVarLong(strings.size());
        for (String s : strings.keySet()) {
            out.writeString(s);
        }
        byte[] head = out.toByteArray();
        byte[] all = new byte[head.length + commands.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(commands, 0, all, head.length, commands.length);
        return all;
    }

    public static CommandBatch decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /** Reads a batch; throws {@link CorruptStateException} naming the problem when the bytes are not one. */
    public static CommandBatch decode(ByteBuffer bytes) {
        BinaryReader in = new BinaryReader(bytes, "command batch");
        int version = in.readByte();
        if (version != VERSION) {
            throw in.corrupt("version " + version + " is not " + VERSION + " (written by another Warren version?)");
        }
        int n = in.readCount();
        List<String> strings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            strings.add(in.readString());
        }
        int count = in.readCount();
        List<Command> commands = new ArrayList<>(count);
        long[] lastTime = {0};
        for (int i = 0; i < count; i++) {
            try {
                commands.add(read(in, strings, lastTime));
            } catch (CorruptStateException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw in.corrupt("command " + i + " is invalid: " + e.getMessage());
            }
        }
        if (in.hasRemaining()) {
            throw in.corrupt("bytes follow the last command");
        }
        return new CommandBatch(commands);
    }

    // times are written as the difference from the batch's previous time: the commands of one entry share one
    private static void write(Command c, BinaryWriter out, Map<String, Integer> strings, long[] lastTime) {
        if (c instanceof AttachQueue a) {
            out.writeByte(ATTACH);
            queue(out, strings, a.queue());
            out.writeSignedVarLong(a.defsIndex());
            writeConfig(out, a.config());
        } else if (c instanceof ConfigureQueue k) {
            out.writeByte(CONFIGURE);
            queue(out, strings, k.queue());
            out.writeSignedVarLong(k.defsIndex());
            writeConfig(out, k.config());
        } else if (c instanceof DetachQueue d) {
            out.writeByte(DETACH);
            queue(out, strings, d.queue());
            out.writeSignedVarLong(d.defsIndex());
        } else if (c instanceof Enqueue e) {
            out.writeByte(ENQUEUE);
            string(out, strings, e.origin().node());
            out.writeSignedVarLong(e.origin().epoch());
            out.writeSignedVarLong(e.seq());
            queue(out, strings, e.queue());
            out.writeVarLong(e.size());
            out.writeSignedVarLong(e.priority());
            out.writeSignedVarLong(e.ttl());
            out.writeSignedVarLong(e.time() - lastTime[0]);
            lastTime[0] = e.time();
        } else if (c instanceof Checkout k) {
            out.writeByte(CHECKOUT);
            queue(out, strings, k.queue());
            consumer(out, strings, k.consumer());
            out.writeVarLong(k.prefetch());
            out.writeSignedVarLong(k.priority());
            out.writeByte((k.exclusive() ? 1 : 0) | (k.noAck() ? 2 : 0));
        } else if (c instanceof Cancel k) {
            out.writeByte(CANCEL);
            queue(out, strings, k.queue());
            consumer(out, strings, k.consumer());
            out.writeBoolean(k.returnUnacked());
        } else if (c instanceof Settle k) {
            out.writeByte(SETTLE);
            queue(out, strings, k.queue());
            consumer(out, strings, k.consumer());
            ids(out, k.msgIds());
        } else if (c instanceof Return k) {
            out.writeByte(RETURN);
            queue(out, strings, k.queue());
            consumer(out, strings, k.consumer());
            ids(out, k.msgIds());
            out.writeBoolean(k.deliveryFailed());
        } else if (c instanceof Discard k) {
            out.writeByte(DISCARD);
            queue(out, strings, k.queue());
            consumer(out, strings, k.consumer());
            ids(out, k.msgIds());
        } else if (c instanceof Dequeue k) {
            out.writeByte(DEQUEUE);
            queue(out, strings, k.queue());
            consumer(out, strings, k.getter());
            out.writeBoolean(k.noAck());
        } else if (c instanceof Purge k) {
            out.writeByte(PURGE);
            queue(out, strings, k.queue());
        } else if (c instanceof Tick t) {
            out.writeByte(TICK);
            out.writeSignedVarLong(t.time() - lastTime[0]);
            lastTime[0] = t.time();
        } else if (c instanceof NodeDown d) {
            out.writeByte(NODE_DOWN);
            string(out, strings, d.node());
        } else if (c instanceof DeadLetterSettle k) {
            out.writeByte(DEAD_LETTER_SETTLE);
            queue(out, strings, k.queue());
            ids(out, k.msgIds());
        } else if (c instanceof Touch k) {
            out.writeByte(TOUCH);
            queue(out, strings, k.queue());
        } else {
            throw new IllegalArgumentException("no encoding for " + c);
        }
    }

    private static Command read(BinaryReader in, List<String> s, long[] lastTime) {
        int tag = in.readByte();
        return switch (tag) {
            case ATTACH -> new AttachQueue(queue(in, s), in.readSignedVarLong(), readConfig(in));
            case CONFIGURE -> new ConfigureQueue(queue(in, s), in.readSignedVarLong(), readConfig(in));
            case DETACH -> new DetachQueue(queue(in, s), in.readSignedVarLong());
            case ENQUEUE -> new Enqueue(new Origin(string(in, s), in.readSignedVarLong()), in.readSignedVarLong(),
                    queue(in, s), in.readVarLong(), in.readInt(), in.readSignedVarLong(),
                    lastTime[0] += in.readSignedVarLong());
            case CHECKOUT -> {
                QueueKey q = queue(in, s);
                ConsumerKey k = consumer(in, s);
                int prefetch = (int) Math.min(Integer.MAX_VALUE, in.readVarLong());
                int priority = in.readInt();
                int flags = in.readByte();
                yield new Checkout(q, k, prefetch, priority, (flags & 1) != 0, (flags & 2) != 0);
            }
            case CANCEL -> new Cancel(queue(in, s), consumer(in, s), in.readBoolean());
            case SETTLE -> new Settle(queue(in, s), consumer(in, s), ids(in));
            case RETURN -> new Return(queue(in, s), consumer(in, s), ids(in), in.readBoolean());
            case DISCARD -> new Discard(queue(in, s), consumer(in, s), ids(in));
            case DEQUEUE -> new Dequeue(queue(in, s), consumer(in, s), in.readBoolean());
            case PURGE -> new Purge(queue(in, s));
            case TICK -> new Tick(lastTime[0] += in.readSignedVarLong());
            case NODE_DOWN -> new NodeDown(string(in, s));
            case DEAD_LETTER_SETTLE -> new DeadLetterSettle(queue(in, s), ids(in));
            case TOUCH -> new Touch(queue(in, s));
            default -> throw in.corrupt("unknown command tag " + tag);
        };
    }

    static void writeConfig(BinaryWriter out, QueueConfig c) {
        out.writeSignedVarLong(c.maxLength());
        out.writeSignedVarLong(c.maxLengthBytes());
        out.writeByte(c.overflow().ordinal());
        out.writeSignedVarLong(c.deliveryLimit());
        out.writeBoolean(c.deadLetterExchange());
        out.writeByte(c.deadLetterStrategy().ordinal());
        out.writeSignedVarLong(c.messageTtl());
        out.writeBoolean(c.singleActiveConsumer());
    }

    static QueueConfig readConfig(BinaryReader in) {
        long maxLength = in.readSignedVarLong();
        long maxBytes = in.readSignedVarLong();
        QueueConfig.Overflow overflow = pick(in, QueueConfig.Overflow.values(), "overflow");
        long limit = in.readSignedVarLong();
        boolean dlx = in.readBoolean();
        QueueConfig.DeadLetterStrategy strategy = pick(in, QueueConfig.DeadLetterStrategy.values(), "strategy");
        long ttl = in.readSignedVarLong();
        boolean sac = in.readBoolean();
        try {
            return new QueueConfig(maxLength, maxBytes, overflow, limit, dlx, strategy, ttl, sac);
        } catch (IllegalArgumentException e) {
            throw in.corrupt(e.getMessage());
        }
    }

    private static <E> E pick(BinaryReader in, E[] values, String what) {
        int i = in.readByte();
        if (i >= values.length) {
            throw in.corrupt("unknown " + what + " " + i);
        }
        return values[i];
    }

    // msgIds are mostly ascending and close together: each as the difference from the one before
    private static void ids(BinaryWriter out, List<Long> ids) {
        out.writeVarLong(ids.size());
        long prev = 0;
        for (long id : ids) {
            out.writeSignedVarLong(id - prev);
            prev = id;
        }
    }

    private static List<Long> ids(BinaryReader in) {
        int n = in.readCount();
        List<Long> ids = new ArrayList<>(n);
        long prev = 0;
        for (int i = 0; i < n; i++) {
            prev += in.readSignedVarLong();
            ids.add(prev);
        }
        return ids;
    }

    private static void string(BinaryWriter out, Map<String, Integer> strings, String s) {
        Integer i = strings.get(s);
        if (i == null) {
            i = strings.size();
            strings.put(s, i);
        }
        out.writeVarLong(i);
    }

    private static String string(BinaryReader in, List<String> strings) {
        long i = in.readVarLong();
        if (i < 0 || i >= strings.size()) {
            throw in.corrupt("string " + i + " is not in the table of " + strings.size());
        }
        return strings.get((int) i);
    }

    private static void queue(BinaryWriter out, Map<String, Integer> strings, QueueKey q) {
        string(out, strings, q.vhost());
        string(out, strings, q.name());
    }

    private static QueueKey queue(BinaryReader in, List<String> strings) {
        return new QueueKey(string(in, strings), string(in, strings));
    }

    private static void consumer(BinaryWriter out, Map<String, Integer> strings, ConsumerKey k) {
        string(out, strings, k.node());
        out.writeSignedVarLong(k.epoch());
        out.writeSignedVarLong(k.id());
    }

    private static ConsumerKey consumer(BinaryReader in, List<String> strings) {
        return new ConsumerKey(string(in, strings), in.readSignedVarLong(), in.readSignedVarLong());
    }
}
