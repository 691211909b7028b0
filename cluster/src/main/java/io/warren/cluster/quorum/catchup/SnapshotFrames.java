package io.warren.cluster.quorum.catchup;

import io.netty.buffer.ByteBuf;
import io.warren.cluster.quorum.raft.SnapshotSource;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * The payloads of the link's catch-up frames (types 80-83), after the frame's type, id and status:
 * <ul>
 * <li>state request: shard group (2 longs), whether a snapshot is named (byte), its term and index, offset;
 * <li>state answer: term, index, the state's whole length, the part's length (int) and bytes;
 * <li>bodies request: shard group, vhost, queue (int length + UTF-8 each), count (int), msgIds;
 * <li>bodies answer: releasedBy, count (int), per msgId 1 + length (int) + bytes, or 0 for gone.
 * </ul>
 */
final class SnapshotFrames {
    private SnapshotFrames() {
    }

    record StateRequest(RaftGroupId group, TermIndex at, long offset) {
    }

    record BodiesRequest(RaftGroupId group, QueueKey queue, long[] msgIds) {
    }

    static void writeStateRequest(ByteBuf out, RaftGroupId group, TermIndex at, long offset) {
        writeGroup(out, group);
        out.writeBoolean(at != null);
        out.writeLong(at == null ? -1 : at.getTerm());
        out.writeLong(at == null ? -1 : at.getIndex());
        out.writeLong(offset);
    }

    static StateRequest readStateRequest(ByteBuf in) {
        RaftGroupId group = readGroup(in);
        boolean named = in.readBoolean();
        long term = in.readLong();
        long index = in.readLong();
        return new StateRequest(group, named ? TermIndex.valueOf(term, index) : null, in.readLong());
    }

    static void writeState(ByteBuf out, SnapshotSource.StateChunk c) {
        out.writeLong(c.at().getTerm());
        out.writeLong(c.at().getIndex());
        out.writeLong(c.total());
        out.writeInt(c.bytes().length);
        out.writeBytes(c.bytes());
    }

    static SnapshotSource.StateChunk readState(ByteBuf in) {
        TermIndex at = TermIndex.valueOf(in.readLong(), in.readLong());
        long total = in.readLong();
        byte[] bytes = new byte[in.readInt()];
        in.readBytes(bytes);
        return new SnapshotSource.StateChunk(at, total, bytes);
    }

    static void writeBodiesRequest(ByteBuf out, RaftGroupId group, QueueKey queue, long[] msgIds) {
        writeGroup(out, group);
        writeString(out, queue.vhost());
        writeString(out, queue.name());
        out.writeInt(msgIds.length);
        for (long id : msgIds) {
            out.writeLong(id);
        }
    }

    static BodiesRequest readBodiesRequest(ByteBuf in) {
        RaftGroupId group = readGroup(in);
        QueueKey queue = new QueueKey(readString(in), readString(in));
        int n = in.readInt();
        if (n < 0 || n > in.readableBytes() / 8) {
            throw new IllegalArgumentException("a bodies request for " + n + " msgIds in " + in.readableBytes()
                    + " bytes");
        }
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = in.readLong();
        }
        return new BodiesRequest(group, queue, ids);
    }

    static void writeBodies(ByteBuf out, SnapshotSource.BodyChunk c) {
        out.writeLong(c.releasedBy());
        out.writeInt(c.bodies().size());
        for (ByteBuffer b : c.bodies()) {
            out.writeBoolean(b != null);
            if (b != null) {
                out.writeInt(b.remaining());
                out.writeBytes(b.duplicate());
            }
        }
    }

    /** The bodies are copied out of the frame: it is released once read. */
    static SnapshotSource.BodyChunk readBodies(ByteBuf in) {
        long releasedBy = in.readLong();
        int n = in.readInt();
        List<ByteBuffer> bodies = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            if (in.readBoolean()) {
                byte[] b = new byte[in.readInt()];
                in.readBytes(b);
                bodies.add(ByteBuffer.wrap(b));
            } else {
                bodies.add(null);
            }
        }
        return new SnapshotSource.BodyChunk(releasedBy, bodies);
    }

    private static void writeGroup(ByteBuf out, RaftGroupId group) {
        out.writeLong(group.getUuid().getMostSignificantBits());
        out.writeLong(group.getUuid().getLeastSignificantBits());
    }

    private static RaftGroupId readGroup(ByteBuf in) {
        return RaftGroupId.valueOf(new UUID(in.readLong(), in.readLong()));
    }

    private static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    private static String readString(ByteBuf in) {
        int n = in.readInt();
        String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
        in.skipBytes(n);
        return s;
    }
}
