package io.warren.broker.vhost;

import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.broker.RunningBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The x-message-deduplication exchange type over the wire, as rabbitmq-message-deduplication behaves. */
class DeduplicationExchangeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    private static AMQP.BasicProperties keyed(String value) {
        return new AMQP.BasicProperties.Builder().deliveryMode(2)
                .headers(Map.of("x-deduplication-header", value)).build();
    }

    private static String dedupExchange(Channel ch, Map<String, Object> args) throws Exception {
        String x = unique("dedup");
        ch.exchangeDeclare(x, "x-message-deduplication", false, true, args);
        return x;
    }

    @Test
    void aRepeatedValueIsDroppedAndOthersGoToEveryBoundQueue() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = dedupExchange(ch, Map.of("x-cache-size", 100));
            String q1 = ch.queueDeclare().getQueue();
            String q2 = ch.queueDeclare().getQueue();
            ch.queueBind(q1, x, "");
            ch.queueBind(q2, x, "keys are ignored, as in fanout");
            ch.confirmSelect();
            ch.basicPublish(x, "a", keyed("order-1"), utf8("first"));
            ch.basicPublish(x, "b", keyed("order-1"), utf8("again"));
            ch.basicPublish(x, "c", keyed("order-2"), utf8("other"));
            ch.basicPublish(x, "d", null, utf8("no header"));
            ch.basicPublish(x, "e", null, utf8("no header"));
            ch.waitForConfirmsOrDie(10_000); // the duplicate is acked, as an unroutable message is
            assertEquals(4, ch.queueDeclarePassive(q1).getMessageCount());
            assertEquals(4, ch.queueDeclarePassive(q2).getMessageCount());
        }
    }

    @Test
    void aMandatoryDuplicateIsReturnedAsUnroutableThenAcked() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = dedupExchange(ch, Map.of("x-cache-size", "10"));
            ch.queueBind(ch.queueDeclare().getQueue(), x, "");
            List<String> events = new CopyOnWriteArrayList<>();
            ch.addReturnListener(r -> events.add("return:" + r.getReplyText()));
            AtomicLong acked = new AtomicLong();
            ch.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long tag, boolean multiple) {
                    events.add("ack:" + tag);
                    acked.set(tag);
                }

                @Override
                public void handleNack(long tag, boolean multiple) {
                    events.add("nack:" + tag);
                }
            });
            ch.confirmSelect();
            ch.basicPublish(x, "", true, keyed("k"), utf8("1"));
            ch.waitForConfirmsOrDie(10_000);
            ch.basicPublish(x, "", true, keyed("k"), utf8("2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> acked.get() == 2);
            assertEquals(List.of("ack:1", "return:NO_ROUTE", "ack:2"), events);
        }
    }

    @Test
    void aValueMayComeAgainOnceItsTtlHasPassed() throws Exception {
        try (Channel ch = conn.createChannel()) {
            // the TTL must outlast the first two publishes even on a busy machine
            String x = dedupExchange(ch, Map.of("x-cache-size", 10, "x-cache-ttl", 3_000));
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, x, "");
            ch.confirmSelect();
            ch.basicPublish(x, "", keyed("k"), utf8("1"));
            ch.basicPublish(x, "", keyed("k"), utf8("2"));
            ch.waitForConfirmsOrDie(10_000);
            assertEquals(1, ch.queueDeclarePassive(q).getMessageCount());
            Thread.sleep(3_500);
            ch.basicPublish(x, "", keyed("k"), utf8("3"));
            ch.waitForConfirmsOrDie(10_000);
            assertEquals(2, ch.queueDeclarePassive(q).getMessageCount());
        }
    }

    @Test
    void theCacheSizeIsRequiredAndCheckedAtDeclare() throws Exception {
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare(unique("dedup"), "x-message-deduplication"));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - Missing or invalid argument, 'x-cache-size' must be an integer greater "
                + "than 0", close.getReplyText());
        Channel ch2 = conn.createChannel();
        close = channelClose(() -> ch2.exchangeDeclare(unique("dedup"), "x-message-deduplication", false, true,
                Map.of("x-cache-size", 10, "x-cache-ttl", "soon")));
        assertEquals("PRECONDITION_FAILED - Invalid argument, 'x-cache-ttl' must be an integer greater than 0",
                close.getReplyText());
        try (Channel ok = conn.createChannel()) {
            ok.exchangeDeclare(unique("dedup"), "x-message-deduplication", false, true,
                    Map.of("x-cache-size", 10, "x-cache-persistence", "disk"));
        }
    }

    /**
     * Effectively once: a confirming publisher that cannot tell which of its messages got through before a failure
     * publishes them all again; a manual-ack consumer still gets each message exactly once.
     */
    @Test
    void republishingAfterAFailureDeliversEachMessageExactlyOnce() throws Exception {
        String x;
        String q = unique("orders");
        try (Channel setup = conn.createChannel()) {
            x = dedupExchange(setup, Map.of("x-cache-size", 10_000));
            setup.queueDeclare(q, true, false, false, null);
            setup.queueBind(q, x, "");
        }
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicInteger deliveries = new AtomicInteger();
        Connection consumerConn = broker.connect();
        Channel consumer = consumerConn.createChannel();
        consumer.basicQos(10);
        consumer.basicConsume(q, false, new DefaultConsumer(consumer) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body)
                    throws java.io.IOException {
                received.computeIfAbsent(new String(body, StandardCharsets.UTF_8), k -> new AtomicInteger())
                        .incrementAndGet();
                deliveries.incrementAndGet();
                getChannel().basicAck(env.getDeliveryTag(), false);
            }
        });
        int n = 200;
        // first attempt: the first half is confirmed, then the connection dies mid-way through the rest
        Connection failing = broker.connect();
        Channel first = failing.createChannel();
        first.confirmSelect();
        for (int i = 0; i < n / 2; i++) {
            first.basicPublish(x, "", keyed("msg-" + i), utf8("msg-" + i));
        }
        first.waitForConfirmsOrDie(10_000);
        for (int i = n / 2; i < n * 3 / 4; i++) {
            first.basicPublish(x, "", keyed("msg-" + i), utf8("msg-" + i));
        }
        failing.abort(); // no confirms seen for these: the publisher must assume nothing
        // the retry publishes everything again, and every publish is confirmed
        try (Channel retry = conn.createChannel()) {
            retry.confirmSelect();
            for (int i = 0; i < n; i++) {
                retry.basicPublish(x, "", keyed("msg-" + i), utf8("msg-" + i));
            }
            retry.waitForConfirmsOrDie(10_000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == n);
        consumerConn.close(); // anything still unacknowledged would go back to the queue
        try (Channel check = conn.createChannel()) {
            assertEquals(0, check.queueDeclarePassive(q).getMessageCount(), "no duplicate left in the queue");
            check.queueDelete(q);
        }
        assertEquals(n, deliveries.get(), "no message was delivered twice");
        Set<Integer> counts = Set.copyOf(received.values().stream().map(AtomicInteger::get).toList());
        assertEquals(Set.of(1), counts);
        assertTrue(received.containsKey("msg-0") && received.containsKey("msg-" + (n - 1)));
    }
}
