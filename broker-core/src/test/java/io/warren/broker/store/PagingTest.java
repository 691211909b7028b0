package io.warren.broker.store;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.BrokerConfig;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import io.warren.broker.alarm.MemoryWatermark;
import io.warren.broker.queue.QueueWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backlogs beyond a queue's memory window wait on disk and come back in order. */
class PagingTest {
    private static final QueueWindow SMALL = new QueueWindow(50, 1024 * 1024, QueueWindow.defaults().brokerBytes());

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

    @Test
    void aTransientBacklogLargerThanTheWindowDrainsInOrder() throws Exception {
        Channel ch = start();
        String q = ch.queueDeclare().getQueue();
        ch.confirmSelect();
        for (String b : numbered(1, 2_000)) {
            ch.basicPublish("", q, null, utf8(b));
        }
        ch.waitForConfirmsOrDie(10_000);

        assertEquals(2_000, ready(ch, q));
        assertEquals(numbered(1, 2_000), drain(ch, q));
    }

    @Test
    void aConsumerReceivesAPagedBacklogInOrderWhilePublishingGoesOn() throws Exception {
        Channel ch = start();
        String q = ch.queueDeclare("", false, false, true, Map.of()).getQueue();
        for (String b : numbered(1, 1_000)) {
            ch.basicPublish("", q, null, utf8(b));
        }
        Channel consumer = broker.connect().createChannel();
        consumer.basicQos(10);
        Deliveries deliveries = new Deliveries(consumer);
        consumer.basicConsume(q, false, deliveries);
        for (String b : numbered(1_001, 2_000)) {
            ch.basicPublish("", q, null, utf8(b));
        }
        for (String expected : numbered(1, 2_000)) {
            Deliveries.Delivery d = deliveries.next();
            assertEquals(expected, d.text());
            consumer.basicAck(d.tag(), false);
        }
    }

    @Test
    void aPagedDurableBacklogMixedWithTransientMessagesSurvivesARestartWithItsPersistentPart() throws Exception {
        Channel ch = start();
        ch.queueDeclare("backlog", true, false, false, Map.of());
        ch.confirmSelect();
        for (int i = 1; i <= 1_000; i++) {
            var props = i % 2 == 0 ? MessageProperties.PERSISTENT_BASIC : MessageProperties.BASIC;
            ch.basicPublish("", "backlog", props, utf8(String.valueOf(i)));
        }
        ch.waitForConfirmsOrDie(10_000);
        broker.close();

        ch = start();
        ch.queueDeclare("backlog", true, false, false, Map.of());

        List<String> evens = numbered(1, 1_000).stream().filter(s -> Integer.parseInt(s) % 2 == 0).toList();
        assertEquals(evens, drain(ch, "backlog"));
    }

    @Test
    void underMemoryPressureAQueueKeepsNewMessagesOnDiskAndStillDeliversThemInOrder() throws Exception {
        broker = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        Channel ch = broker.connect().createChannel();
        var alarms = broker.broker().alarms();
        // direct memory the broker counts as used whatever the garbage collector does: with a watermark of twice
        // it, use stays above half the watermark (queues page) and below it (publishers are not blocked) unless
        // the heap after a collection grows past the ballast
        long ballastBytes = 256L << 20;
        java.nio.ByteBuffer ballast = java.nio.ByteBuffer.allocateDirect((int) ballastBytes);
        alarms.setMemoryHighWatermark(MemoryWatermark.absolute(2 * ballastBytes));
        assertTrue(alarms.memoryPressure());
        String q = ch.queueDeclare().getQueue();
        ch.confirmSelect();
        for (String b : numbered(1, 5_000)) {
            ch.basicPublish("", q, null, utf8(b));
        }
        ch.waitForConfirmsOrDie(10_000);

        // transient messages are confirmed once routed, maybe before the queue's thread has written them: wait for it
        await().atMost(Duration.ofSeconds(10)).until(() -> scratchLogBytes() > 0); // the default window keeps 30,000
        alarms.setMemoryHighWatermark(MemoryWatermark.relative(0.4));
        assertEquals(numbered(1, 5_000), drain(ch, q));
        assertEquals(ballastBytes, ballast.capacity()); // held to here
    }

    @Test
    void onceAllQueuesTogetherFillTheBrokerWideBudgetNewMessagesWaitOnDisk() throws Exception {
        // per queue the default window (30,000 messages) would keep all of these in memory
        QueueWindow budget = new QueueWindow(30_000, 64L * 1024 * 1024, 200 * 1024);
        broker = RunningBroker.startOn(BrokerConfig.defaults().withQueueWindow(budget), dataDir);
        Channel ch = broker.connect().createChannel();
        List<String> queues = List.of(ch.queueDeclare().getQueue(), ch.queueDeclare().getQueue(),
                ch.queueDeclare().getQueue());
        ch.confirmSelect();
        for (String b : numbered(1, 1_000)) {
            for (String q : queues) {
                ch.basicPublish("", q, null, utf8(b + " " + "x".repeat(100)));
            }
        }
        ch.waitForConfirmsOrDie(10_000);

        assertTrue(scratchLogBytes() > 0, "3,000 messages of ~400 bytes each go past a 200 KiB budget");
        for (String q : queues) {
            assertEquals(numbered(1, 1_000), drain(ch, q).stream().map(s -> s.split(" ")[0]).toList());
        }
    }

    private long scratchLogBytes() throws java.io.IOException {
        long bytes = 0;
        try (var files = java.nio.file.Files.walk(dataDir.resolve("messages"))) {
            for (Path name : files.filter(f -> f.getFileName().toString().equals("name")).toList()) {
                if (java.nio.file.Files.readString(name).startsWith("scratch:")) {
                    try (var segments = java.nio.file.Files.list(name.getParent())) {
                        for (Path f : segments.filter(f -> f.getFileName().toString().startsWith("msgs.")).toList()) {
                            bytes += java.nio.file.Files.size(f);
                        }
                    }
                }
            }
        }
        return bytes;
    }

    @Test
    void messagesRequeuedByAClosingConsumerPageOutBeyondTheWindowAndComeBackInOrder() throws Exception {
        Channel ch = start();
        String q = ch.queueDeclare("requeued", false, false, false, Map.of()).getQueue();
        int total = 200_000;
        // a consumer without a prefetch limit takes every message as it comes and never acks, then goes away
        var greedy = broker.connect();
        Channel gc = greedy.createChannel();
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        gc.basicConsume(q, false, (tag, d) -> taken.incrementAndGet(), tag -> { });
        ch.confirmSelect();
        for (int i = 1; i <= total; i++) {
            ch.basicPublish("", q, null, utf8(String.valueOf(i)));
        }
        ch.waitForConfirmsOrDie(60_000);
        await().atMost(Duration.ofSeconds(120)).until(() -> taken.get() == total);
        greedy.abort();

        var readyMemory = broker.broker().queueStorage().readyMemory();
        var queue = broker.broker().vhost("/").queue(q);
        await().atMost(Duration.ofSeconds(60)).until(() -> queue.readyCountSnapshot() == total);
        // the window is 50 messages: what came back waits on disk, not in memory
        await().atMost(Duration.ofSeconds(60)).until(readyMemory::used, used -> used < 1024 * 1024);

        Channel consumer = broker.connect().createChannel();
        consumer.basicQos(500);
        Deliveries deliveries = new Deliveries(consumer);
        consumer.basicConsume(q, false, deliveries);
        for (int i = 1; i <= total; i++) {
            Deliveries.Delivery d = deliveries.next();
            assertEquals(String.valueOf(i), d.text());
            assertTrue(d.redelivered());
            consumer.basicAck(d.tag(), false);
        }
        assertTrue(readyMemory.used() < 1024 * 1024, "ready messages in memory: " + readyMemory.used() + " bytes");
    }

    /**
     * Publishes persistent messages 1 to total while two channels without a prefetch limit take them in turn and
     * never ack; then the channels close one after the other, which gives them back as two interleaved batches.
     */
    private void publishToTwoGreedyChannelsThatGiveThemBack(Channel ch, String q, int total) throws Exception {
        var greedy = broker.connect();
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        Channel a = greedy.createChannel();
        Channel b = greedy.createChannel();
        String ta = a.basicConsume(q, false, (tag, d) -> taken.incrementAndGet(), tag -> { });
        String tb = b.basicConsume(q, false, (tag, d) -> taken.incrementAndGet(), tag -> { });
        ch.confirmSelect();
        for (int i = 1; i <= total; i++) {
            ch.basicPublish("", q, MessageProperties.PERSISTENT_BASIC, utf8(String.valueOf(i)));
        }
        ch.waitForConfirmsOrDie(30_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> taken.get() == total);
        var queue = broker.broker().vhost("/").queue(q);
        a.basicCancel(ta); // b must not take what a gives back
        b.basicCancel(tb);
        a.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.readyCountSnapshot() > 0);
        b.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.readyCountSnapshot() == total);
    }

    @Test
    void persistentMessagesGivenBackAndPagedOutSurviveARestartInOrder() throws Exception {
        Channel ch = start();
        ch.queueDeclare("given-back", true, false, false, Map.of());
        publishToTwoGreedyChannelsThatGiveThemBack(ch, "given-back", 5_000);
        assertTrue(broker.broker().queueStorage().readyMemory().used() < 1024 * 1024);
        broker.close();

        ch = start();
        ch.queueDeclare("given-back", true, false, false, Map.of());
        assertEquals(numbered(1, 5_000), drain(ch, "given-back"));
    }

    @Test
    void messagesGivenBackInTwoInterleavedBatchesComeBackInTheirOriginalOrder() throws Exception {
        Channel ch = start();
        ch.queueDeclare("interleaved", false, false, false, Map.of());
        publishToTwoGreedyChannelsThatGiveThemBack(ch, "interleaved", 5_000);
        assertEquals(numbered(1, 5_000), drain(ch, "interleaved"));
    }

    @Test
    void aPriorityQueuePagesOutWhatIsGivenBackAtEachLevelAndDeliversByPriorityThenInOrder() throws Exception {
        Channel ch = start();
        ch.queueDeclare("prio", false, false, false, Map.of("x-max-priority", 2));
        var greedy = broker.connect();
        Channel gc = greedy.createChannel();
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        gc.basicConsume("prio", false, (tag, d) -> taken.incrementAndGet(), tag -> { });
        int total = 4_000;
        ch.confirmSelect();
        for (int i = 1; i <= total; i++) {
            var props = new com.rabbitmq.client.AMQP.BasicProperties.Builder().priority(i % 2 == 0 ? 2 : 0).build();
            ch.basicPublish("", "prio", props, utf8(String.valueOf(i)));
        }
        ch.waitForConfirmsOrDie(30_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> taken.get() == total);
        greedy.abort();
        var queue = broker.broker().vhost("/").queue("prio");
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.readyCountSnapshot() == total);
        assertTrue(broker.broker().queueStorage().readyMemory().used() < 1024 * 1024);

        List<String> evens = numbered(1, total).stream().filter(x -> Integer.parseInt(x) % 2 == 0).toList();
        List<String> odds = numbered(1, total).stream().filter(x -> Integer.parseInt(x) % 2 == 1).toList();
        List<String> expected = new java.util.ArrayList<>(evens);
        expected.addAll(odds);
        assertEquals(expected, drain(ch, "prio"));
    }

    @Test
    void messagesPagedOutWhenGivenBackKeepTheirDeliveryCount() throws Exception {
        Channel ch = start();
        ch.queueDeclare("limited", false, false, false, Map.of("x-delivery-limit", 1));
        int total = 2_000;
        for (int i = 1; i <= total; i++) {
            ch.basicPublish("", "limited", null, utf8(String.valueOf(i)));
        }
        var queue = broker.broker().vhost("/").queue("limited");
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.readyCountSnapshot() == total);
        for (int round = 1; round <= 2; round++) {
            var greedy = broker.connect();
            Channel gc = greedy.createChannel();
            java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
            gc.basicConsume("limited", false, (tag, d) -> taken.incrementAndGet(), tag -> { });
            await().atMost(Duration.ofSeconds(60)).until(() -> taken.get() == total);
            greedy.abort();
        }
        // given back twice: over the limit of 1, so they are gone rather than back a second time
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.unackedCountSnapshot() == 0);
        assertEquals(0, ready(ch, "limited"));
    }

    @Test
    void purgingMessagesGivenBackAndPagedOutLeavesNothingBehind() throws Exception {
        Channel ch = start();
        ch.queueDeclare("purged", true, false, false, Map.of());
        publishToTwoGreedyChannelsThatGiveThemBack(ch, "purged", 5_000);
        assertEquals(5_000, ch.queuePurge("purged").getMessageCount());
        assertEquals(0, ready(ch, "purged"));
        broker.close();

        ch = start();
        ch.queueDeclare("purged", true, false, false, Map.of());
        assertEquals(0, ready(ch, "purged"));
    }

    @Test
    void purgingAPagedQueueEmptiesItAndItFillsAgain() throws Exception {
        Channel ch = start();
        String q = ch.queueDeclare().getQueue();
        for (String b : numbered(1, 500)) {
            ch.basicPublish("", q, null, utf8(b));
        }
        assertEquals(500, ch.queuePurge(q).getMessageCount());
        for (String b : numbered(501, 600)) {
            ch.basicPublish("", q, null, utf8(b));
        }
        assertEquals(numbered(501, 600), drain(ch, q));
    }
}
