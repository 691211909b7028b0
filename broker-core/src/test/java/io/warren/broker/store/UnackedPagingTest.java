package io.warren.broker.store;

import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.BrokerConfig;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import io.warren.broker.queue.QueueWindow;
import io.warren.broker.queue.classic.MessageQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unacknowledged messages beyond a queue's memory window keep only their place in the queue's log: a consumer
 * without a prefetch limit can hold far more than the window, and what it gives back, rejects or acks is right.
 */
class UnackedPagingTest {
    private static final long WINDOW_BYTES = 256 * 1024;
    private static final QueueWindow SMALL = new QueueWindow(50, WINDOW_BYTES, QueueWindow.defaults().brokerBytes());
    private static final String PAD = "x".repeat(16 * 1024);
    private static final int TOTAL = 2_000;

    @TempDir
    Path dataDir;
    private RunningBroker broker;

    private Channel start() throws Exception {
        broker = RunningBroker.startOn(BrokerConfig.defaults().withQueueWindow(SMALL), dataDir);
        return broker.connect().createChannel();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String body(int i) {
        return i + " " + PAD;
    }

    private void publishPersistent(Channel ch, String q, int total) throws Exception {
        ch.confirmSelect();
        for (int i = 1; i <= total; i++) {
            ch.basicPublish("", q, MessageProperties.PERSISTENT_BASIC, utf8(body(i)));
        }
        ch.waitForConfirmsOrDie(60_000);
    }

    /** A consumer without a prefetch limit that never acks by itself; it records the tags it got. */
    private List<Long> takeAllUnacked(Channel c, String q, int total) throws Exception {
        List<Long> tags = new CopyOnWriteArrayList<>();
        c.basicConsume(q, false, (tag, d) -> tags.add(d.getEnvelope().getDeliveryTag()), tag -> { });
        await().atMost(Duration.ofSeconds(60)).until(() -> tags.size() == total);
        return tags;
    }

    private static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    private MessageQueue queue(String q) {
        return (MessageQueue) broker.broker().vhost("/").queue(q); // the classic type's own measure
    }

    @Test
    void aConsumerWithoutPrefetchHoldsFarMoreThanTheWindowAndWhenItGoesAwayEveryMessageComesBackOnceInOrder()
            throws Exception {
        Channel ch = start();
        ch.queueDeclare("held", true, false, false, Map.of());
        publishPersistent(ch, "held", TOTAL);
        long heapBefore = heapAfterGc();
        Connection greedy = broker.connect();
        takeAllUnacked(greedy.createChannel(), "held", TOTAL);
        long heapGrowth = heapAfterGc() - heapBefore;

        MessageQueue queue = queue("held");
        assertEquals(TOTAL, queue.unackedCountSnapshot());
        // 32 MiB of bodies unacked; the queue keeps no more than its window of them in memory
        assertTrue(heapGrowth < 16L << 20, "the heap grew by " + heapGrowth + " bytes");
        await().atMost(Duration.ofSeconds(30)).until(queue::unackedBytesInMemorySnapshot,
                b -> b <= WINDOW_BYTES + PAD.length());

        greedy.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.readyCountSnapshot() == TOTAL);
        Channel consumer = broker.connect().createChannel();
        consumer.basicQos(200);
        Deliveries deliveries = new Deliveries(consumer);
        consumer.basicConsume("held", false, deliveries);
        for (int i = 1; i <= TOTAL; i++) {
            Deliveries.Delivery d = deliveries.next();
            assertEquals(body(i), d.text());
            assertTrue(d.redelivered(), "message " + i + " was delivered before");
            consumer.basicAck(d.tag(), false);
        }
        assertEquals(0, ready(ch, "held"));
        assertEquals(null, deliveries.poll(200));
    }

    @Test
    void pagedOutMessagesGivenBackToAQueueWithADeliveryLimitCarryTheirDeliveryCount() throws Exception {
        Channel ch = start();
        ch.queueDeclare("counted", true, false, false, Map.of("x-delivery-limit", 5));
        publishPersistent(ch, "counted", TOTAL);
        Channel greedy = broker.connect().createChannel();
        List<Long> tags = new CopyOnWriteArrayList<>();
        String tag = greedy.basicConsume("counted", false, (t, d) -> tags.add(d.getEnvelope().getDeliveryTag()),
                t -> { });
        await().atMost(Duration.ofSeconds(60)).until(() -> tags.size() == TOTAL);
        assertTrue(queue("counted").unackedBytesInMemorySnapshot() <= WINDOW_BYTES + PAD.length());
        greedy.basicCancel(tag);
        greedy.basicRecover(true); // the consumer is gone: all of them go back to the queue
        await().atMost(Duration.ofSeconds(30)).until(() -> queue("counted").readyCountSnapshot() == TOTAL);

        for (int i = 1; i <= TOTAL; i++) {
            GetResponse r = ch.basicGet("counted", true);
            assertEquals(body(i), text(r));
            assertTrue(r.getEnvelope().isRedeliver());
            assertEquals(1L, ((Number) r.getProps().getHeaders().get("x-delivery-count")).longValue());
        }
        assertEquals(0, ready(ch, "counted"));
    }

    @Test
    void rejectingPagedOutUnackedMessagesDeadLettersThemWithTheirBodies() throws Exception {
        Channel ch = start();
        ch.queueDeclare("dead", true, false, false, Map.of());
        ch.queueDeclare("source", true, false, false,
                Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead"));
        publishPersistent(ch, "source", TOTAL);
        Channel greedy = broker.connect().createChannel();
        List<Long> tags = takeAllUnacked(greedy, "source", TOTAL);
        assertTrue(queue("source").unackedBytesInMemorySnapshot() <= WINDOW_BYTES + PAD.length());

        greedy.basicNack(tags.get(tags.size() - 1), true, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> queue("dead").readyCountSnapshot() == TOTAL);
        for (int i = 1; i <= TOTAL; i++) {
            GetResponse r = ch.basicGet("dead", true);
            assertEquals(body(i), text(r));
            assertTrue(r.getProps().getHeaders().containsKey("x-death"));
        }
        assertEquals(0, ready(ch, "source"));
    }

    @Test
    void ackedPagedOutMessagesAreGoneAfterARestartWhileTheUnackedOnesComeBack() throws Exception {
        Channel ch = start();
        ch.queueDeclare("acked", true, false, false, Map.of());
        publishPersistent(ch, "acked", TOTAL);
        Channel greedy = broker.connect().createChannel();
        List<Long> tags = takeAllUnacked(greedy, "acked", TOTAL);
        // tags follow the queue's order: ack the even messages
        for (int i = 2; i <= TOTAL; i += 2) {
            greedy.basicAck(tags.get(i - 1), false);
        }
        MessageQueue queue = queue("acked");
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.unackedCountSnapshot() == TOTAL / 2);
        broker.close();

        ch = start();
        ch.queueDeclare("acked", true, false, false, Map.of());
        List<String> back = new ArrayList<>();
        AtomicLong redelivered = new AtomicLong();
        GetResponse r;
        while ((r = ch.basicGet("acked", true)) != null) {
            back.add(text(r));
            if (r.getEnvelope().isRedeliver()) {
                redelivered.incrementAndGet();
            }
        }
        List<String> odds = new ArrayList<>();
        for (int i = 1; i <= TOTAL; i += 2) {
            odds.add(body(i));
        }
        assertEquals(odds, back);
        assertEquals(TOTAL / 2, redelivered.get());
        assertFalse(back.contains(body(2)));
    }

    @Test
    void transientMessagesHeldUnackedFillTheBrokerWideBudgetAndTheRestPageOutAndComeBackInOrder() throws Exception {
        // a window that alone would hold them all in memory, but a broker-wide budget of 1 MiB
        broker = RunningBroker.startOn(BrokerConfig.defaults().withQueueWindow(
                new QueueWindow(30_000, 64L * 1024 * 1024, 1024 * 1024)), dataDir);
        Channel ch = broker.connect().createChannel();
        String q = ch.queueDeclare("transient", false, false, false, Map.of()).getQueue();
        long heapBefore = heapAfterGc();
        Connection greedy = broker.connect();
        List<Long> tags = new CopyOnWriteArrayList<>();
        greedy.createChannel().basicConsume(q, false, (t, d) -> tags.add(d.getEnvelope().getDeliveryTag()), t -> { });
        ch.confirmSelect();
        for (int i = 1; i <= TOTAL; i++) {
            ch.basicPublish("", q, null, utf8(body(i)));
        }
        ch.waitForConfirmsOrDie(60_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> tags.size() == TOTAL);
        long heapGrowth = heapAfterGc() - heapBefore;
        assertTrue(heapGrowth < 16L << 20, "the heap grew by " + heapGrowth + " bytes");
        assertTrue(queue(q).unackedBytesInMemorySnapshot() < 8L << 20); // the budget, overshot by a batch at most

        greedy.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> queue(q).readyCountSnapshot() == TOTAL);
        for (int i = 1; i <= TOTAL; i++) {
            GetResponse r = ch.basicGet(q, true);
            assertEquals(body(i), text(r));
            assertTrue(r.getEnvelope().isRedeliver());
        }
        assertEquals(0, ready(ch, q));
    }
}
