package io.warren.cluster.quorum.state;

import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.state.ConsumerState.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole shard state as bytes and back, for Raft snapshots: queues with their config, ready messages (per lane,
 * in order), consumers with what they hold, dead letters owed, the origins' last sequence numbers and the last
 * leader time. Maps are written in their iteration order, which is part of the state (consumers take turns in
 * it), so a state read back behaves exactly as the one written, and encoding it again gives the same bytes.
 */
public final class SnapshotCodec {
    /** 2 added each queue's last-use time (x-expires); a version 1 snapshot reads as last used at its time. */
    static final int VERSION = 2;

    private static final int HIGH = 1;
    private static final int REDELIVERED = 2;
    private static final int EXPIRES = 4;

    private SnapshotCodec() {
    }

    public static byte[] encode(ShardState state) {
        return encode(state, VERSION);
    }

    /** In the given format version (1: without the queues' last use), to test that older snapshots still read. */
    static byte[] encode(ShardState state, int version) {
        BinaryWriter out = new BinaryWriter(1024);
        out.writeByte(version);
        out.writeSignedVarLong(state.now);
        out.writeVarLong(state.origins.size());
        for (Map.Entry<Origin, ShardState.OriginSeen> e : state.origins.entrySet()) {
            out.writeString(e.getKey().node());
            out.writeSignedVarLong(e.getKey().epoch());
            out.writeSignedVarLong(e.getValue().lastSeq);
            out.writeSignedVarLong(e.getValue().lastSeen);
        }
        out.writeVarLong(state.queues.size());
        for (QueueState q : state.queues.values()) {
            writeQueue(out, q);
            if (version >= 2) {
                out.writeSignedVarLong(q.lastUsed);
            }
        }
        return out.toByteArray();
    }

    public static ShardState decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /** Reads a snapshot; throws {@link CorruptStateException} naming the problem when the bytes are not one. */
    public static ShardState decode(ByteBuffer bytes) {
        BinaryReader in = new BinaryReader(bytes, "snapshot");
        int version = in.readByte();
        if (version != VERSION && version != 1) {
            throw in.corrupt("version " + version + " is not " + VERSION + " (written by another Warren version?)");
        }
        ShardState state = new ShardState();
        state.now = in.readSignedVarLong();
        int origins = in.readCount();
        for (int i = 0; i < origins; i++) {
            Origin o = new Origin(in.readString(), in.readSignedVarLong());
            state.origins.put(o, new ShardState.OriginSeen(in.readSignedVarLong(), in.readSignedVarLong()));
        }
        int queues = in.readCount();
        for (int i = 0; i < queues; i++) {
            QueueState q = readQueue(in);
            q.lastUsed = version == 1 ? state.now : in.readSignedVarLong();
            state.queues.put(q.key, q);
        }
        if (in.hasRemaining()) {
            throw in.corrupt("bytes follow the last queue");
        }
        return state;
    }

    private static void writeQueue(BinaryWriter out, QueueState q) {
        out.writeString(q.key.vhost());
        out.writeString(q.key.name());
        out.writeSignedVarLong(q.defsIndex);
        out.writeSignedVarLong(q.configIndex);
        CommandCodec.writeConfig(out, q.config);
        out.writeSignedVarLong(q.nextMsgId);
        out.writeVarLong(q.ready.highStreak());
        List<MessageRef> ready = new ArrayList<>(q.ready.size());
        q.ready.forEach(ready::add);
        writeRefs(out, ready);
        out.writeSignedVarLong(q.consumers.serviceClock());
        out.writeVarLong(q.consumers.all().size());
        for (ConsumerState c : q.consumers.all()) {
            out.writeString(c.key.node());
            out.writeSignedVarLong(c.key.epoch());
            out.writeSignedVarLong(c.key.id());
            out.writeVarLong(c.prefetch);
            out.writeSignedVarLong(c.priority);
            out.writeByte((c.exclusive ? 1 : 0) | (c.noAck ? 2 : 0));
            out.writeByte(c.status.ordinal());
            out.writeSignedVarLong(c.lastServed);
            writeRefs(out, new ArrayList<>(c.checkedOut.values()));
        }
        List<MessageRef> dead = new ArrayList<>(q.deadLetters.size());
        for (QueueState.PendingDeadLetter p : q.deadLetters.values()) {
            dead.add(p.message());
        }
        writeRefs(out, dead);
        for (QueueState.PendingDeadLetter p : q.deadLetters.values()) {
            out.writeByte(p.reason().ordinal());
        }
    }

    private static QueueState readQueue(BinaryReader in) {
        QueueKey key = new QueueKey(in.readString(), in.readString());
        long defsIndex = in.readSignedVarLong();
        long configIndex = in.readSignedVarLong();
        QueueState q = new QueueState(key, defsIndex, CommandCodec.readConfig(in));
        q.configIndex = configIndex;
        q.nextMsgId = in.readSignedVarLong();
        int streak = (int) in.readVarLong();
        // each lane was written in msgId order, so adding them in turn rebuilds the lanes as they were
        for (MessageRef m : readRefs(in)) {
            q.ready.add(m);
        }
        q.ready.restoreHighStreak(streak);
        long clock = in.readSignedVarLong();
        int consumers = in.readCount();
        Status[] statuses = Status.values();
        for (int i = 0; i < consumers; i++) {
            ConsumerKey k = new ConsumerKey(in.readString(), in.readSignedVarLong(), in.readSignedVarLong());
            int prefetch = (int) in.readVarLong();
            int priority = in.readInt();
            int flags = in.readByte();
            int status = in.readByte();
            if (status >= statuses.length) {
                throw in.corrupt("unknown consumer status " + status);
            }
            ConsumerState c = new ConsumerState(k, prefetch, priority, (flags & 1) != 0, (flags & 2) != 0,
                    statuses[status], in.readSignedVarLong());
            for (MessageRef m : readRefs(in)) {
                c.checkedOut.put(m.msgId, m);
            }
            q.consumers.restore(c, clock);
        }
        List<MessageRef> dead = readRefs(in);
        DeathReason[] reasons = DeathReason.values();
        for (MessageRef m : dead) {
            int r = in.readByte();
            if (r >= reasons.length) {
                throw in.corrupt("unknown death reason " + r);
            }
            q.deadLetters.put(m.msgId, new QueueState.PendingDeadLetter(m, reasons[r]));
            q.deadLetterBytes += m.size;
        }
        return q;
    }

    // ids as differences from the one before: a backlog's ids are consecutive, one byte each
    private static void writeRefs(BinaryWriter out, List<MessageRef> refs) {
        out.writeVarLong(refs.size());
        long prev = 0;
        for (MessageRef m : refs) {
            out.writeSignedVarLong(m.msgId - prev);
            prev = m.msgId;
            out.writeVarLong(m.size);
            boolean expires = m.expiresAt != MessageRef.NEVER;
            out.writeByte((m.high ? HIGH : 0) | (m.redelivered ? REDELIVERED : 0) | (expires ? EXPIRES : 0));
            if (expires) {
                out.writeSignedVarLong(m.expiresAt);
            }
            out.writeVarLong(m.deliveryCount);
        }
    }

    private static List<MessageRef> readRefs(BinaryReader in) {
        int n = in.readCount();
        List<MessageRef> refs = new ArrayList<>(n);
        long prev = 0;
        for (int i = 0; i < n; i++) {
            long id = prev + in.readSignedVarLong();
            prev = id;
            long size = in.readVarLong();
            int flags = in.readByte();
            long expiresAt = (flags & EXPIRES) != 0 ? in.readSignedVarLong() : MessageRef.NEVER;
            int count = (int) in.readVarLong();
            refs.add(new MessageRef(id, size, expiresAt, (flags & HIGH) != 0, count, (flags & REDELIVERED) != 0));
        }
        return refs;
    }
}
