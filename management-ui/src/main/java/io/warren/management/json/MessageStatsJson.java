package io.warren.management.json;

import io.warren.broker.admin.MessageTotalsView;
import io.warren.management.metrics.RateSampler;
import java.util.LinkedHashMap;
import java.util.Map;

/** RabbitMQ's message_stats object for the broker or a channel: each total with its rate. */
public final class MessageStatsJson {
    private MessageStatsJson() {
    }

    /** keyPrefix is the sampler's key for the same object ("overview." or a channel's key). */
    public static Map<String, Object> of(MessageTotalsView t, RateSampler rates, String keyPrefix) {
        Map<String, Object> stats = new LinkedHashMap<>();
        put(stats, "publish", t.published(), rates, keyPrefix);
        put(stats, "confirm", t.confirmed(), rates, keyPrefix);
        put(stats, "return_unroutable", t.returned(), rates, keyPrefix);
        put(stats, "deliver", t.delivered(), rates, keyPrefix);
        put(stats, "deliver_no_ack", t.deliveredNoAck(), rates, keyPrefix);
        put(stats, "get", t.got(), rates, keyPrefix);
        put(stats, "get_no_ack", t.gotNoAck(), rates, keyPrefix);
        put(stats, "deliver_get", t.deliverGet(), rates, keyPrefix);
        put(stats, "ack", t.acked(), rates, keyPrefix);
        put(stats, "redeliver", t.redelivered(), rates, keyPrefix);
        put(stats, "drop_unroutable", 0, rates, keyPrefix);
        return stats;
    }

    private static void put(Map<String, Object> stats, String name, long value, RateSampler rates, String prefix) {
        Stats.put(stats, name, value, rates.rate(prefix + name));
    }
}
