package io.warren.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.admin.ConsumerView;
import io.warren.broker.admin.NodeConsumerView;
import io.warren.broker.queue.StreamConsumerStatus;
import io.warren.codec.FieldTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frames by which a node asks another for the consumers of its connections ({@link LinkFrames#CONSUMERS}) and
 * gets them ({@link LinkFrames#CONSUMER_LIST}), for the management API's listings of every node's consumers.
 */
final class ConsumerListFrames {
    private ConsumerListFrames() {
    }

    /** What is asked: the consumers of one queue, of one vhost (queue null) or all (both null). */
    record Query(long id, String vhost, String queue) {
    }

    static ByteBuf query(ByteBufAllocator alloc, long id, String vhost, String queue) {
        ByteBuf out = alloc.buffer(64);
        out.writeInt(0);
        out.writeByte(LinkFrames.CONSUMERS);
        out.writeLong(id);
        optional(out, vhost);
        optional(out, queue);
        return sized(out);
    }

    /** Reads a query's payload (after the type byte). */
    static Query readQuery(ByteBuf in) {
        return new Query(in.readLong(), readOptional(in), readOptional(in));
    }

    static ByteBuf list(ByteBufAllocator alloc, long id, List<NodeConsumerView> consumers) {
        ByteBuf out = alloc.buffer(64 + consumers.size() * 160);
        out.writeInt(0);
        out.writeByte(LinkFrames.CONSUMER_LIST);
        out.writeLong(id);
        out.writeInt(consumers.size());
        for (NodeConsumerView n : consumers) {
            ConsumerView c = n.consumer();
            LinkFrames.writeString(out, n.node());
            LinkFrames.writeString(out, n.peerHost());
            out.writeInt(n.peerPort());
            LinkFrames.writeString(out, c.vhost());
            LinkFrames.writeString(out, c.queue());
            LinkFrames.writeString(out, c.tag());
            out.writeBoolean(c.ackRequired());
            out.writeBoolean(c.exclusive());
            out.writeInt(c.prefetchCount());
            FieldTables.write(out, c.arguments() == null ? Map.of() : c.arguments());
            LinkFrames.writeString(out, c.connectionName());
            out.writeInt(c.channelNumber());
            LinkFrames.writeString(out, c.user());
            out.writeBoolean(c.active());
            LinkFrames.writeString(out, c.activityStatus());
            StreamConsumerStatus s = c.stream();
            out.writeBoolean(s != null);
            if (s != null) {
                out.writeLong(s.offset());
                out.writeLong(s.lastDeliveredOffset());
                out.writeLong(s.storedOffset());
                optional(out, s.group());
                out.writeLong(s.lag());
            }
        }
        return sized(out);
    }

    /** Reads a list's consumers (after the type byte and the id). */
    static List<NodeConsumerView> readList(ByteBuf in) {
        int n = in.readInt();
        List<NodeConsumerView> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            String node = LinkFrames.readString(in);
            String peerHost = LinkFrames.readString(in);
            int peerPort = in.readInt();
            String vhost = LinkFrames.readString(in);
            String queue = LinkFrames.readString(in);
            String tag = LinkFrames.readString(in);
            boolean ackRequired = in.readBoolean();
            boolean exclusive = in.readBoolean();
            int prefetch = in.readInt();
            Map<String, Object> arguments = FieldTables.read(in);
            String connection = LinkFrames.readString(in);
            int channel = in.readInt();
            String user = LinkFrames.readString(in);
            boolean active = in.readBoolean();
            String activity = LinkFrames.readString(in);
            StreamConsumerStatus stream = null;
            if (in.readBoolean()) {
                stream = new StreamConsumerStatus(tag, in.readLong(), in.readLong(), in.readLong(), readOptional(in),
                        in.readLong());
            }
            out.add(new NodeConsumerView(node, peerHost, peerPort, new ConsumerView(vhost, queue, tag, ackRequired,
                    exclusive, prefetch, arguments, connection, channel, user, active, activity, stream)));
        }
        return out;
    }

    private static void optional(ByteBuf out, String s) {
        out.writeBoolean(s != null);
        if (s != null) {
            LinkFrames.writeString(out, s);
        }
    }

    private static String readOptional(ByteBuf in) {
        return in.readBoolean() ? LinkFrames.readString(in) : null;
    }

    private static ByteBuf sized(ByteBuf out) {
        return out.setInt(0, out.readableBytes() - 4);
    }
}
