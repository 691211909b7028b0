package io.warren.management.metrics;

import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ChannelView;
import io.warren.broker.admin.ConnectionView;
import io.warren.broker.admin.MessageTotalsView;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the broker's running totals into rates (per second), as RabbitMQ's *_details.rate: every sample compares
 * each total with the previous sample's. Keys name the object and the total, e.g. "overview.publish" or
 * "channel.NAME.ack"; queues have a {@link QueueRates} each. Runs on one scheduler thread; readers see the last
 * sample's rates (a queue's may be mid-update: each number is whole, which is all a rate display needs).
 */
public final class RateSampler {
    private final BrokerAdmin admin;
    private Map<String, Long> previous = new HashMap<>();
    private long previousNanos;
    private volatile Map<String, Double> rates = new ConcurrentHashMap<>();
    /** Per queue, kept apart from the string-keyed rates so that a queue costs one small object, not nine entries. */
    private final Map<String, QueueRates> queues = new ConcurrentHashMap<>();
    private long sampleCount;
    private volatile QueueRates allQueues = QueueRates.NONE;

    public RateSampler(BrokerAdmin admin) {
        this.admin = admin;
    }

    /** Takes a sample now; call periodically from one thread. */
    public synchronized void sample() {
        long now = System.nanoTime();
        Map<String, Long> current = new HashMap<>();
        // in a cluster the overview's rates are the whole cluster's, as its counts are
        putTotals(current, "overview.", admin.clusterTotals());
        long ready = 0;
        long unacked = 0;
        long generation = ++sampleCount;
        double seconds = (now - previousNanos) / 1e9;
        boolean clustered = admin.cluster().clustered();
        for (String vhost : admin.access().vhosts()) {
            long[] depth = new long[2];
            try {
                admin.topology().forEachQueue(vhost, q -> {
                    QueueRates r = queues.computeIfAbsent(key(q.vhost(), q.name()), k -> new QueueRates());
                    r.update(q, seconds);
                    r.generation = generation;
                    // in a cluster a queue homed elsewhere shows its home's rates here, but node metrics leave it out
                    r.local = !clustered || admin.nodeName().equals(admin.cluster().queueNode(q.vhost(), q.name()));
                    depth[0] += q.ready();
                    depth[1] += q.unacked();
                });
            } catch (io.warren.broker.admin.AdminException e) {
                continue; // the vhost went away while sampling
            }
            long vReady = depth[0];
            long vUnacked = depth[1];
            String vk = "vhost." + vhost + ".";
            current.put(vk + "messages", vReady + vUnacked);
            current.put(vk + "messages_ready", vReady);
            current.put(vk + "messages_unacknowledged", vUnacked);
            ready += vReady;
            unacked += vUnacked;
        }
        queues.values().removeIf(r -> r.generation != generation);
        QueueRates sum = new QueueRates();
        queues.values().stream().filter(r -> r.local).forEach(sum::add);
        allQueues = sum;
        current.put("overview.messages", ready + unacked);
        current.put("overview.messages_ready", ready);
        current.put("overview.messages_unacknowledged", unacked);
        for (ConnectionView c : admin.connections().connections()) {
            for (ChannelView ch : c.channels()) {
                putTotals(current, channelKey(ch.name()), ch.totals());
            }
        }
        Map<String, Double> next = new ConcurrentHashMap<>();
        for (Map.Entry<String, Long> e : current.entrySet()) {
            Long before = previous.get(e.getKey());
            double rate = 0;
            if (before != null && seconds > 0) {
                rate = (e.getValue() - before) / seconds;
                // queue depths may fall; totals never do (a closing channel may be counted twice for a moment)
                if (rate < 0 && !e.getKey().contains(".messages")) {
                    rate = 0;
                }
            }
            next.put(e.getKey(), rate);
        }
        previous = current;
        previousNanos = now;
        rates = next;
    }

    private static void putTotals(Map<String, Long> current, String prefix, MessageTotalsView t) {
        current.put(prefix + "publish", t.published());
        current.put(prefix + "confirm", t.confirmed());
        current.put(prefix + "return_unroutable", t.returned());
        current.put(prefix + "deliver", t.delivered());
        current.put(prefix + "deliver_no_ack", t.deliveredNoAck());
        current.put(prefix + "get", t.got());
        current.put(prefix + "get_no_ack", t.gotNoAck());
        current.put(prefix + "deliver_get", t.deliverGet());
        current.put(prefix + "ack", t.acked());
        current.put(prefix + "redeliver", t.redelivered());
        current.put(prefix + "drop_unroutable", 0L);
    }

    /** The last sampled rate for the key; 0 when unknown. */
    public double rate(String key) {
        Double r = rates.get(key);
        return r == null ? 0 : r;
    }

    /** The queue's rates as of the last sample (all zero for a queue not sampled yet). */
    public QueueRates queue(String vhost, String queue) {
        QueueRates r = queues.get(key(vhost, queue));
        return r == null ? QueueRates.NONE : r;
    }

    /** The rates of every queue that lives on this node added up, as of the last sample. */
    public QueueRates allQueues() {
        return allQueues;
    }

    private static String key(String vhost, String queue) {
        return vhost + "\u0000" + queue;
    }

    public static String channelKey(String channel) {
        return "channel." + channel + ".";
    }
}
