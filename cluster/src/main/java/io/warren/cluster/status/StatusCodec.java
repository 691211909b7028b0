package io.warren.cluster.status;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.admin.ListenerView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.alarm.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link NodeStatus} as the payload of a link status frame. It starts with a format number, so that a node can
 * tell a report it cannot read (from a newer version) and ignore it rather than misread it.
 */
public final class StatusCodec {
    static final byte FORMAT = 1;
    private static final int MEMORY = 1;
    private static final int DISK = 2;

    private StatusCodec() {
    }

    public static ByteBuf encode(ByteBufAllocator alloc, NodeStatus s) {
        ByteBuf out = alloc.buffer(256 + s.queues().size() * 96);
        out.writeByte(FORMAT);
        string(out, s.name());
        out.writeLong(s.uptimeMillis());
        out.writeLong(s.memUsed());
        out.writeLong(s.memLimit());
        out.writeLong(s.diskFree());
        out.writeLong(s.diskFreeLimit());
        out.writeByte((s.alarms().contains(Resource.MEMORY) ? MEMORY : 0)
                | (s.alarms().contains(Resource.DISK) ? DISK : 0));
        out.writeLong(s.fdUsed());
        out.writeLong(s.fdTotal());
        out.writeInt(s.processors());
        out.writeInt(s.connections());
        out.writeInt(s.channels());
        out.writeInt(s.consumers());
        out.writeInt(s.queueCount());
        string(out, s.version());
        string(out, s.javaVersion());
        out.writeInt(s.listeners().size());
        for (ListenerView l : s.listeners()) {
            string(out, l.protocol());
            string(out, l.ipAddress());
            out.writeInt(l.port());
        }
        MessageTotalsView t = s.totals();
        for (long v : new long[] {t.published(), t.confirmed(), t.returned(), t.delivered(), t.deliveredNoAck(),
                t.got(), t.gotNoAck(), t.acked(), t.redelivered(), t.rejected(), t.deadLettered()}) {
            out.writeLong(v);
        }
        out.writeBoolean(s.fullQueues());
        out.writeInt(s.queues().size());
        for (QueueFigures q : s.queues()) {
            string(out, q.vhost());
            string(out, q.name());
            out.writeInt(q.ready());
            out.writeInt(q.unacked());
            out.writeInt(q.consumers());
            out.writeLong(q.readyBytes());
            out.writeLong(q.published());
            out.writeLong(q.delivered());
            out.writeLong(q.got());
            out.writeLong(q.acked());
            out.writeLong(q.redelivered());
        }
        return out;
    }

    /** The report in the payload, or null when it is of a format this node does not know. */
    public static NodeStatus decode(ByteBuf in) {
        if (in.readByte() != FORMAT) {
            return null;
        }
        String name = string(in);
        long uptime = in.readLong();
        long memUsed = in.readLong();
        long memLimit = in.readLong();
        long diskFree = in.readLong();
        long diskFreeLimit = in.readLong();
        int bits = in.readByte();
        Set<Resource> alarms = EnumSet.noneOf(Resource.class);
        if ((bits & MEMORY) != 0) {
            alarms.add(Resource.MEMORY);
        }
        if ((bits & DISK) != 0) {
            alarms.add(Resource.DISK);
        }
        long fdUsed = in.readLong();
        long fdTotal = in.readLong();
        int processors = in.readInt();
        int connections = in.readInt();
        int channels = in.readInt();
        int consumers = in.readInt();
        int queueCount = in.readInt();
        String version = string(in);
        String javaVersion = string(in);
        int n = in.readInt();
        List<ListenerView> listeners = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            listeners.add(new ListenerView(string(in), string(in), in.readInt()));
        }
        MessageTotalsView totals = new MessageTotalsView(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong());
        boolean full = in.readBoolean();
        int q = in.readInt();
        List<QueueFigures> queues = new ArrayList<>(Math.min(q, 100_000));
        for (int i = 0; i < q; i++) {
            queues.add(new QueueFigures(string(in), string(in), in.readInt(), in.readInt(), in.readInt(),
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong()));
        }
        return new NodeStatus(name, uptime, memUsed, memLimit, diskFree, diskFreeLimit, alarms, fdUsed, fdTotal,
                processors, connections, channels, consumers, queueCount, version, javaVersion, listeners, totals,
                full, queues);
    }

    private static void string(ByteBuf out, String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    private static String string(ByteBuf in) {
        int n = in.readInt();
        if (n < 0 || n > in.readableBytes()) {
            throw new IndexOutOfBoundsException("string of " + n + " bytes in a status frame of "
                    + in.readableBytes() + " left");
        }
        String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
        in.skipBytes(n);
        return s;
    }
}
