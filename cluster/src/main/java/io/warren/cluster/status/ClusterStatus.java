package io.warren.cluster.status;

import io.netty.buffer.ByteBuf;
import io.warren.broker.Broker;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.admin.NodeStatusView;
import io.warren.broker.alarm.Resource;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.stats.QueueCounters;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.remote.RemoteQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What this node last heard from each other member: their reports, kept with the time they came. A member not
 * heard from for {@link #STALE_MILLIS} counts as not running, and its alarms no longer block publishers here (as
 * RabbitMQ drops a down node's alarms). The figures of the queues homed on a member go into this node's proxies of
 * them, so the management API here shows the home node's counts; the link's thread is their one writer.
 */
public final class ClusterStatus {
    /** How long a member may stay silent before it is shown as not running (it reports every second). */
    public static final long STALE_MILLIS = 5_000;

    private final String self;
    private final Supplier<Broker> broker;
    private final Supplier<Collection<String>> members;
    private final Map<String, Heard> heard = new ConcurrentHashMap<>();

    private record Heard(NodeStatus status, long atNanos) {
        long ageMillis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - atNanos);
        }
    }

    /** members: the cluster's node names now, this one included. */
    public ClusterStatus(String self, Supplier<Broker> broker, Supplier<Collection<String>> members) {
        this.self = self;
        this.broker = broker;
        this.members = members;
    }

    /** A report from another node (link thread). */
    public void received(ByteBuf payload) {
        NodeStatus s = StatusCodec.decode(payload);
        if (s == null || s.name().equals(self)) {
            return;
        }
        Heard before = heard.put(s.name(), new Heard(s, System.nanoTime()));
        applyQueues(s);
        if (before == null || !before.status().alarms().equals(s.alarms()) || before.ageMillis() > STALE_MILLIS) {
            refreshAlarms();
        }
    }

    private void applyQueues(NodeStatus s) {
        Broker b = broker.get();
        if (b == null) {
            return;
        }
        for (QueueFigures f : s.queues()) {
            VirtualHost v = b.vhost(f.vhost());
            AmqpQueue q = v == null ? null : v.queue(f.name());
            if (q instanceof RemoteQueue r && r.home().equals(s.name())) {
                q.status().counts(f.ready(), f.readyBytes(), f.unacked(), f.consumers());
                QueueCounters c = q.counters();
                set(c, QueueCounters.PUBLISHED, f.published());
                set(c, QueueCounters.DELIVERED, f.delivered());
                set(c, QueueCounters.GOT, f.got());
                set(c, QueueCounters.ACKED, f.acked());
                set(c, QueueCounters.REDELIVERED, f.redelivered());
            }
        }
    }

    private static void set(QueueCounters c, int index, long value) {
        long delta = value - c.get(index);
        if (delta != 0) {
            c.add(index, delta);
        }
    }

    /**
     * Feeds the alarms of the members heard from recently to this node's publishers; a member silent past
     * {@link #STALE_MILLIS}, or no longer a member, no longer counts. Called on every report that changes them and
     * every second by the reporter.
     */
    public void refreshAlarms() {
        Broker b = broker.get();
        if (b == null) {
            return;
        }
        Collection<String> now = members.get();
        heard.keySet().removeIf(n -> !now.contains(n));
        Set<Resource> union = EnumSet.noneOf(Resource.class);
        for (Heard h : heard.values()) {
            if (h.ageMillis() <= STALE_MILLIS) {
                union.addAll(h.status().alarms());
            }
        }
        b.alarms().setRemote(union);
    }

    /** Whether another member has reported within {@link #STALE_MILLIS}. */
    public boolean running(String node) {
        Heard h = heard.get(node);
        return h != null && h.ageMillis() <= STALE_MILLIS;
    }

    /** Every other member, as its last report showed it (zeros and not running when never heard from). */
    public List<NodeStatusView> views() {
        List<NodeStatusView> out = new ArrayList<>();
        for (String n : members.get()) {
            if (n.equals(self)) {
                continue;
            }
            Heard h = heard.get(n);
            if (h == null) {
                out.add(new NodeStatusView(n, false, -1, 0, 0, 0, -1, 0, List.of(), -1, -1, 0, 0, 0, 0, 0, "", "",
                        List.of(), MessageTotalsView.ZERO));
                continue;
            }
            NodeStatus s = h.status();
            long age = h.ageMillis();
            boolean running = age <= STALE_MILLIS;
            out.add(new NodeStatusView(n, running, age, running ? s.uptimeMillis() + age : 0, s.memUsed(),
                    s.memLimit(), s.diskFree(), s.diskFreeLimit(), s.alarms().stream().map(Resource::label).sorted()
                    .toList(), s.fdUsed(), s.fdTotal(), s.processors(), s.connections(), s.channels(), s.consumers(),
                    s.queueCount(), s.version(), s.javaVersion(), s.listeners(), s.totals()));
        }
        return out;
    }
}
