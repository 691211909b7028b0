package io.warren.cluster.status;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.Broker;
import io.warren.broker.WarrenVersion;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ClusterView;
import io.warren.broker.admin.ConnectionCountsView;
import io.warren.broker.admin.ListenerView;
import io.warren.broker.alarm.AlarmStatus;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.stats.QueueCounters;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.link.ClusterLink;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's status to every other member over the cluster link: every second, and at once when one of
 * its resource alarms goes on or off. A report carries the figures of the queues that live here that changed since
 * the previous one, and of all of them every {@link #FULL_EVERY} reports (so a node that missed one, or has just
 * started, catches up): an idle cluster sends a few hundred bytes a second per node whatever its queue count. Runs
 * on a thread of its own ({@code warren-cluster-status}), never on an event loop.
 */
public final class StatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    static final long INTERVAL_MS = 1_000;
    /** Every this many reports, all queues' figures go out, changed or not. */
    static final int FULL_EVERY = 5;

    private final String self;
    private final Broker broker;
    private final BrokerAdmin admin;
    private final ClusterLink link;
    private final Supplier<Collection<String>> members;
    private final ClusterStatus heard;
    private volatile Supplier<List<ListenerView>> listeners;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-cluster-status");
        t.setDaemon(true);
        return t;
    });
    // reporter thread only: what went out last for each queue, to send only what changed
    private Map<AmqpQueue, long[]> lastSent = new IdentityHashMap<>();
    private long reports;

    public StatusReporter(String self, Broker broker, ClusterLink link, Supplier<Collection<String>> members,
                          ClusterStatus heard) {
        this.self = self;
        this.broker = broker;
        this.admin = new BrokerAdmin(broker, ClusterView.singleNode(self)); // only its connection counts and totals are read
        this.link = link;
        this.members = members;
        this.heard = heard;
        this.listeners = this::amqpListeners;
    }

    /** The listeners to announce (the management API adds its own); read at each report. */
    public void announceListeners(Supplier<List<ListenerView>> listeners) {
        this.listeners = listeners;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::tick, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        broker.alarms().onChange(() -> {
            try {
                timer.execute(this::report);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the node is closing: no more reports
            }
        });
    }

    private void tick() {
        try {
            report();
            heard.refreshAlarms(); // drops the alarms of members gone silent
        } catch (RuntimeException e) {
            LOG.warn("cluster status report failed", e); // the next one tries again
        }
    }

    private void report() {
        List<String> others = members.get().stream().filter(n -> !n.equals(self)).toList();
        NodeStatus s = measure(reports++ % FULL_EVERY == 0);
        if (others.isEmpty()) {
            return;
        }
        ByteBuf payload = StatusCodec.encode(ByteBufAllocator.DEFAULT, s);
        try {
            for (String n : others) {
                link.sendStatus(n, payload.retainedDuplicate());
            }
        } finally {
            payload.release();
        }
    }

    NodeStatus measure(boolean full) {
        AlarmStatus a = broker.alarms().status();
        long fdUsed = -1;
        long fdTotal = -1;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            fdUsed = unix.getOpenFileDescriptorCount();
            fdTotal = unix.getMaxFileDescriptorCount();
        }
        ConnectionCountsView counts = admin.connections().counts();
        List<QueueFigures> queues = new ArrayList<>();
        Map<AmqpQueue, long[]> sent = new IdentityHashMap<>(Math.max(16, lastSent.size()));
        int consumers = 0;
        int queueCount = 0;
        for (VirtualHost v : broker.vhosts()) {
            for (AmqpQueue q : v.queues()) {
                if (q.remote()) {
                    continue;
                }
                queueCount++;
                QueueCounters c = q.counters();
                long[] f = {q.readyCountSnapshot(), q.unackedCountSnapshot(), q.consumerCountSnapshot(),
                        q.readyBytesSnapshot(), c.get(QueueCounters.PUBLISHED), c.get(QueueCounters.DELIVERED),
                        c.get(QueueCounters.GOT), c.get(QueueCounters.ACKED), c.get(QueueCounters.REDELIVERED)};
                consumers += (int) f[2];
                sent.put(q, f);
                if (full || !Arrays.equals(f, lastSent.get(q))) {
                    queues.add(new QueueFigures(v.name(), q.name(), (int) f[0], (int) f[1], (int) f[2], f[3], f[4],
                            f[5], f[6], f[7], f[8]));
                }
            }
        }
        lastSent = sent;
        return new NodeStatus(self, ManagementFactory.getRuntimeMXBean().getUptime(), a.memoryUsed(),
                a.memoryLimit(), a.diskFree(), a.diskFreeLimit(), broker.alarms().active(), fdUsed, fdTotal,
                Runtime.getRuntime().availableProcessors(), counts.connections(), counts.channels(), consumers, queueCount,
                WarrenVersion.get(), System.getProperty("java.version"), listeners.get(), admin.totals(), full, queues);
    }

    private List<ListenerView> amqpListeners() {
        List<ListenerView> out = new ArrayList<>();
        String address = broker.config().bindAddress();
        if (broker.port() >= 0) {
            out.add(new ListenerView("amqp", address, broker.port()));
        }
        if (broker.tlsPort() >= 0) {
            out.add(new ListenerView("amqp/ssl", address, broker.tlsPort()));
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
