package io.warren.broker.queue;

import io.warren.codec.BasicProperties;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headers a dead-lettered message carries, exactly as RabbitMQ writes them: one x-death entry per
 * {queue, reason} (most recent first, its count raised on a repeat), x-first-death-* once, x-last-death-* always.
 * The expiration property moves into x-death so that the message does not expire again where it lands.
 */
final class DeathHeaders {
    private DeathHeaders() {
    }

    /** The properties of the message once dead-lettered from queue for the reason, at time now (ms). */
    static BasicProperties died(BasicProperties p, String queue, DeathReason reason, String exchange,
                                List<String> routingKeys, boolean removeCc, long now) {
        Map<String, Object> headers = p.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.headers());
        List<Object> deaths = new ArrayList<>();
        Map<String, Object> entry = null;
        if (headers.get("x-death") instanceof List<?> old) {
            for (Object o : old) {
                if (entry == null && o instanceof Map<?, ?> d && queue.equals(string(d.get("queue")))
                        && reason.header().equals(string(d.get("reason")))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> same = new LinkedHashMap<>((Map<String, Object>) d);
                    entry = same;
                } else {
                    deaths.add(o);
                }
            }
        }
        if (entry == null) {
            entry = new LinkedHashMap<>();
            entry.put("count", 1L);
            entry.put("reason", reason.header());
            entry.put("queue", queue);
            entry.put("time", new Date(now / 1000 * 1000));
            entry.put("exchange", exchange);
            entry.put("routing-keys", new ArrayList<Object>(routingKeys));
            if (p.expiration() != null) {
                entry.put("original-expiration", p.expiration());
            }
        } else {
            Object count = entry.get("count");
            // as RabbitMQ: only the count changes, time stays that of the first such death
            entry.put("count", (count instanceof Number n ? n.longValue() : 0L) + 1);
        }
        deaths.add(0, entry);
        headers.put("x-death", deaths);
        if (!headers.containsKey("x-first-death-reason")) {
            headers.put("x-first-death-reason", reason.header());
            headers.put("x-first-death-queue", queue);
            headers.put("x-first-death-exchange", exchange);
        }
        headers.put("x-last-death-reason", reason.header());
        headers.put("x-last-death-queue", queue);
        headers.put("x-last-death-exchange", exchange);
        headers.remove("BCC");
        if (removeCc) {
            headers.remove("CC");
        }
        return new BasicProperties(p.contentType(), p.contentEncoding(), headers, p.deliveryMode(), p.priority(),
                p.correlationId(), p.replyTo(), null, p.messageId(), p.timestamp(), p.type(), p.userId(),
                p.appId(), p.clusterId());
    }

    /** The routing keys a message was published with: its routing key and its CC keys (BCC ones stay hidden). */
    static List<String> routingKeys(String routingKey, Map<String, Object> headers) {
        List<String> keys = new ArrayList<>();
        keys.add(routingKey);
        if (headers != null && headers.get("CC") instanceof List<?> cc) {
            for (Object k : cc) {
                keys.add(string(k));
            }
        }
        return keys;
    }

    /**
     * True when dead-lettering the message (whose x-death already records this death) into queue would close a
     * cycle with no rejection in it: RabbitMQ drops the message for that queue then.
     */
    static boolean isCycle(String queue, Map<String, Object> headers) {
        if (!(headers.get("x-death") instanceof List<?> deaths)) {
            return false;
        }
        for (Object o : deaths) {
            if (!(o instanceof Map<?, ?> d)) {
                continue;
            }
            if (DeathReason.REJECTED.header().equals(string(d.get("reason")))) {
                return false;
            }
            if (queue.equals(string(d.get("queue")))) {
                return true;
            }
        }
        return false;
    }

    private static String string(Object v) {
        if (v instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        return v == null ? null : v.toString();
    }
}
