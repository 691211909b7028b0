package io.warren.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small helpers the wire tests share: text bodies, publishing them, reading them back, names and counts. */
public final class TestMessages {
    private TestMessages() {
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    public static String text(GetResponse r) {
        return text(r.getBody());
    }

    public static String text(Return r) {
        return text(r.getBody());
    }

    /** The bodies of these deliveries, as text. */
    public static List<String> texts(List<Deliveries.Delivery> ds) {
        return ds.stream().map(Deliveries.Delivery::text).toList();
    }

    /** "1", "2", ... "n". */
    public static List<String> numbered(int n) {
        return numbered(1, n);
    }

    /** "from" ... "to", both included. */
    public static List<String> numbered(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(String.valueOf(i));
        }
        return out;
    }

    /** prefix + "0" ... prefix + (count - 1). */
    public static List<String> numbered(String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** Publishes each body to the queue through the default exchange, without properties. */
    public static void publish(Channel ch, String queue, String... bodies) throws IOException {
        publishTo(ch, "", queue, List.of(bodies));
    }

    /** Publishes each body to the queue through the default exchange, without properties. */
    public static void publish(Channel ch, String queue, List<String> bodies) throws IOException {
        publishTo(ch, "", queue, bodies);
    }

    /** Publishes each body to the exchange with the routing key, without properties. */
    public static void publishTo(Channel ch, String exchange, String key, String... bodies) throws IOException {
        publishTo(ch, exchange, key, List.of(bodies));
    }

    /** Publishes each body to the exchange with the routing key, without properties. */
    public static void publishTo(Channel ch, String exchange, String key, List<String> bodies) throws IOException {
        for (String b : bodies) {
            ch.basicPublish(exchange, key, null, utf8(b));
        }
    }

    /** The body of the next message in the queue (auto-acked), or null when it is empty. */
    public static String get(Channel ch, String queue) throws IOException {
        GetResponse r = ch.basicGet(queue, true);
        return r == null ? null : text(r);
    }

    /** Every body in the queue, in order (basic.get waits for earlier publishes on the same channel). */
    public static List<String> drain(Channel ch, String queue) throws IOException {
        List<String> out = new ArrayList<>();
        String body;
        while ((body = get(ch, queue)) != null) {
            out.add(body);
        }
        return out;
    }

    /** The messages ready in the queue, from queue.declare-ok of a passive declare. */
    public static int ready(Channel ch, String queue) throws IOException {
        return ch.queueDeclarePassive(queue).getMessageCount();
    }

    /** A name no other test uses: prefix-uuid. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A new server-named queue bound to the exchange with the key. */
    public static String boundQueue(Channel ch, String exchange, String key) throws IOException {
        return boundQueue(ch, exchange, key, null);
    }

    /** A new server-named queue bound to the exchange with the key and binding arguments. */
    public static String boundQueue(Channel ch, String exchange, String key, Map<String, Object> args)
            throws IOException {
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, exchange, key, args);
        return q;
    }
}
