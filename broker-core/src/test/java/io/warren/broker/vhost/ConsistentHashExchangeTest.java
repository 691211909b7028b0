package io.warren.broker.vhost;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The x-consistent-hash exchange type over the wire, as rabbitmq_consistent_hash_exchange behaves. */
class ConsistentHashExchangeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    private static List<String> queues(Channel ch, String exchange, String... weights) throws Exception {
        List<String> qs = new ArrayList<>();
        for (String w : weights) {
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, exchange, w);
            qs.add(q);
        }
        return qs;
    }

    @Test
    void allMessagesWithOneRoutingKeyGoToOneQueueInOrder() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = unique("chx");
            ch.exchangeDeclare(x, "x-consistent-hash");
            List<String> qs = queues(ch, x, "1", "1", "2");
            ch.confirmSelect();
            for (int seq = 0; seq < 10; seq++) {
                for (int k = 0; k < 40; k++) {
                    ch.basicPublish(x, "customer-" + k, null, utf8("customer-" + k + ":" + seq));
                }
            }
            ch.waitForConfirmsOrDie(10_000);
            Map<String, String> queueOfKey = new HashMap<>();
            Map<String, Integer> lastSeq = new HashMap<>();
            int total = 0;
            for (String q : qs) {
                for (String body : drain(ch, q)) {
                    String key = body.substring(0, body.indexOf(':'));
                    int seq = Integer.parseInt(body.substring(body.indexOf(':') + 1));
                    assertEquals(q, queueOfKey.computeIfAbsent(key, k -> q), key + " went to two queues");
                    assertEquals(lastSeq.getOrDefault(key, -1) + 1, seq, key + " out of order");
                    lastSeq.put(key, seq);
                    total++;
                }
            }
            assertEquals(400, total, "each message went to exactly one queue");
            assertEquals(3, queueOfKey.values().stream().distinct().count(), "all three queues got keys");
        }
    }

    @Test
    void aQueuesShareFollowsItsWeight() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = unique("chx");
            ch.exchangeDeclare(x, "x-consistent-hash");
            List<String> qs = queues(ch, x, "1", "3");
            ch.confirmSelect();
            int n = 4_000;
            for (int i = 0; i < n; i++) {
                ch.basicPublish(x, "order-" + i, null, new byte[0]);
            }
            ch.waitForConfirmsOrDie(10_000);
            int light = ch.queueDeclarePassive(qs.get(0)).getMessageCount();
            int heavy = ch.queueDeclarePassive(qs.get(1)).getMessageCount();
            assertEquals(n, light + heavy);
            assertEquals(0.75, heavy / (double) n, 0.03, "light " + light + ", heavy " + heavy);
        }
    }

    @Test
    void hashesOnTheHeaderNamedByHashHeader() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = unique("chx");
            ch.exchangeDeclare(x, "x-consistent-hash", false, true, Map.of("hash-header", "tenant"));
            List<String> qs = queues(ch, x, "1", "1", "1", "1");
            ch.confirmSelect();
            for (int i = 0; i < 50; i++) {
                AMQP.BasicProperties p = new AMQP.BasicProperties.Builder()
                        .headers(Map.of("tenant", "acme")).build();
                ch.basicPublish(x, "rk-" + i, p, new byte[0]);
            }
            ch.waitForConfirmsOrDie(10_000);
            long holding = 0;
            for (String q : qs) {
                int c = ch.queueDeclarePassive(q).getMessageCount();
                assertTrue(c == 0 || c == 50, "one tenant, one queue: " + c);
                holding += c > 0 ? 1 : 0;
            }
            assertEquals(1, holding);
        }
    }

    @Test
    void hashesOnTheMessageIdWhenHashPropertySaysSo() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = unique("chx");
            ch.exchangeDeclare(x, "x-consistent-hash", false, true, Map.of("hash-property", "message_id"));
            List<String> qs = queues(ch, x, "1", "1", "1");
            ch.confirmSelect();
            for (int i = 0; i < 30; i++) {
                for (int id = 0; id < 10; id++) {
                    AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().messageId("id-" + id).build();
                    ch.basicPublish(x, "rk-" + i, p, utf8("id-" + id));
                }
            }
            ch.waitForConfirmsOrDie(10_000);
            Map<String, String> queueOfId = new HashMap<>();
            for (String q : qs) {
                for (String id : drain(ch, q)) {
                    assertEquals(q, queueOfId.computeIfAbsent(id, k -> q), id + " went to two queues");
                }
            }
            assertEquals(10, queueOfId.size());
        }
    }

    @Test
    void aBindingKeyThatIsNoWeightIsRefusedAsThePluginDoes() throws Exception {
        Channel setup = conn.createChannel();
        String x = unique("chx");
        setup.exchangeDeclare(x, "x-consistent-hash", false, true, Map.of());
        String q = setup.queueDeclare().getQueue();
        setup.queueBind(q, x, "7");
        setup.close();
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(() -> ch.queueBind(q, x, "heavy"));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - The binding key must be an integer: <<\"heavy\">>", close.getReplyText());
        Channel ch2 = conn.createChannel();
        close = channelClose(() -> ch2.queueBind(q, x, "0"));
        assertEquals("PRECONDITION_FAILED - The binding key must be greater than 0", close.getReplyText());
    }

    @Test
    void badExchangeArgumentsAreRefusedAtDeclare() throws Exception {
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare(unique("chx"), "x-consistent-hash", false,
                true, Map.of("hash-property", "app_id")));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - Unsupported property: app_id", close.getReplyText());
        Channel ch2 = conn.createChannel();
        close = channelClose(() -> ch2.exchangeDeclare(unique("chx"), "x-consistent-hash", false, true,
                Map.of("hash-property", "message_id", "hash-header", "h")));
        assertEquals("PRECONDITION_FAILED - hash-header and hash-property are mutually exclusive",
                close.getReplyText());
    }

    @Test
    void aDurableExchangeKeepsEveryKeyOnItsQueueAcrossARestart(@TempDir Path dataDir) throws Exception {
        List<String> qs = List.of("part-c", "part-a", "part-b"); // bound out of name order; restored sorted
        Map<String, String> before;
        RunningBroker first = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        try (Connection c = first.connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("partitions", "x-consistent-hash", true);
            for (String q : qs) {
                ch.queueDeclare(q, true, false, false, null);
                ch.queueBind(q, "partitions", "1");
            }
            before = placement(ch, qs);
        } finally {
            first.close();
        }
        RunningBroker second = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        try (Connection c = second.connect(); Channel ch = c.createChannel()) {
            assertEquals(before, placement(ch, qs));
        } finally {
            second.close();
        }
    }

    private static Map<String, String> placement(Channel ch, List<String> qs) throws Exception {
        ch.confirmSelect();
        for (int k = 0; k < 60; k++) {
            ch.basicPublish("partitions", "key-" + k, null, utf8("key-" + k));
        }
        ch.waitForConfirmsOrDie(10_000);
        Map<String, String> queueOfKey = new HashMap<>();
        for (String q : qs) {
            for (String key : drain(ch, q)) {
                queueOfKey.put(key, q);
            }
        }
        assertEquals(60, queueOfKey.size());
        return queueOfKey;
    }
}
