package io.warren.management.metrics;

import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ChannelView;
import io.warren.broker.admin.ConnectionView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.admin.QueueView;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the broker's running totals into rates (per second), as RabbitMQ's *_details.rate: every sample compares
 * each total with the previous sample's. Keys name the object and the total, e.g. "overview.publish" or
 * "queue./.orders.ack". Runs on one scheduler thread; readers see the last sample's rates.
 */
public final class RateSampler {
    private final BrokerAdmin admin;
    private Map<String, Long> previous = new HashMap<>();
    private long previousNanos;
    private volatile Map<String, Double> rates = new ConcurrentHashMap<>();

    public RateSampler(BrokerAdmin admin) {
        this.admin = admin;
    }

    /** Takes a sample now; call periodically from one thread. */
    public synchronized void sample() {
        long now = System.nanoTime();
        Map<String, Long> current = new HashMap<>();
        putTotals(current, "overview.", admin.totals());
        long ready = 0;
        long unacked = 0;
        for (String vhost : admin.access().vhosts()) {
            long vReady = 0;
            long vUnacked = 0;
            for (QueueView q : admin.topology().queues(vhost)) {
                String k = queueKey(q.vhost(), q.name());
                current.put(k + "publish", q.published());
                current.put(k + "deliver", q.delivered());
                current.put(k + "get", q.got());
                current.put(k + "deliver_get", q.delivered() + q.got());
                current.put(k + "ack", q.acked());
                current.put(k + "redeliver", q.redelivered());
                current.put(k + "messages", (long) q.messages());
                current.put(k + "messages_ready", (long) q.ready());
                current.put(k + "messages_unacknowledged", (long) q.unacked());
                vReady += q.ready();
                vUnacked += q.unacked();
            }
            String vk = "vhost." + vhost + ".";
            current.put(vk + "messages", vReady + vUnacked);
            current.put(vk + "messages_ready", vReady);
            current.put(vk + "messages_unacknowledged", vUnacked);
            ready += vReady;
            unacked += vUnacked;
        }
        current.put("overview.messages", ready + unacked);
        current.put("overview.messages_ready", ready);
        current.put("overview.messages_unacknowledged", unacked);
        for (ConnectionView c : admin.connections().connections()) {
            for (ChannelView ch : c.channels()) {
                putTotals(current, channelKey(ch.name()), ch.totals());
            }
        }
        Map<String, Double> next = new ConcurrentHashMap<>();
        double seconds = (now - previousNanos) / 1e9;
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

    public static String queueKey(String vhost, String queue) {
        return "queue." + vhost + "\u0000" + queue + ".";
    }

    public static String channelKey(String channel) {
        return "channel." + channel + ".";
    }
}
