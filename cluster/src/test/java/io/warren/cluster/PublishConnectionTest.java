package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.queue.AmqpQueue;
import io.warren.cluster.remote.RemoteQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's publishes to another node's queues go over a connection of their own: its consumers' acks, consumes and
 * gets never wait behind them, and a get still sees what its channel published before it.
 */
class PublishConnectionTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void threeNodes(String... queuesHomedOnA) throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            for (String q : queuesHomedOnA) {
                ch.queueDeclare(q, true, false, false, null);
            }
        }
        for (String q : queuesHomedOnA) {
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().vhost("/").queue(q)
                    instanceof RemoteQueue);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acksFromAConsumerOnAnotherNodeReachTheHomeWhileItsPublishesAreHeldBack() throws Exception {
        threeNodes("work", "busy");
        AmqpQueue work = cluster.node(0).broker().vhost("/").queue("work");
        AmqpQueue busy = cluster.node(0).broker().vhost("/").queue("busy");
        List<String> got = new CopyOnWriteArrayList<>();
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel pub = b.createChannel();
            pub.confirmSelect();
            for (int i = 0; i < 10; i++) {
                pub.basicPublish("", "work", MessageProperties.PERSISTENT_BASIC, bytes("m" + i));
            }
            pub.waitForConfirmsOrDie(30_000);

            cluster.node(0).node().link().pauseReading(true); // node a reads no more publishes
            Thread publisher = new Thread(() -> {
                byte[] body = new byte[16 * 1024];
                try {
                    for (int i = 0; i < 200; i++) {
                        pub.basicPublish("", "busy", MessageProperties.BASIC, body);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            publisher.start();

            Channel cons = b.createChannel();
            cons.basicQos(2); // only acks that reach node a let more than two through
            cons.basicConsume("work", false, (tag, d) -> {
                got.add(new String(d.getBody(), StandardCharsets.UTF_8));
                cons.basicAck(d.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 10);
            await().atMost(Duration.ofSeconds(30)).until(() -> work.readyCountSnapshot() == 0
                    && work.unackedCountSnapshot() == 0);
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"), got);
            assertEquals(0, busy.readyCountSnapshot(), "node a read none of the publishes meanwhile");

            // a get, and a consume, on another queue are not held back either
            GetResponse none = cons.basicGet("work", false);
            assertNull(none);
            assertEquals(0, cons.queueDeclarePassive("work").getMessageCount());

            cluster.node(0).node().link().pauseReading(false);
            await().atMost(Duration.ofSeconds(30)).until(() -> busy.readyCountSnapshot() == 200);
            publisher.join(30_000);
            assertFalse(publisher.isAlive());
        }
    }

    @Test
    void aGetThroughAnotherNodeSeesWhatItsChannelPublishedJustBefore() throws Exception {
        threeNodes("box");
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            for (int i = 0; i < 50; i++) {
                ch.basicPublish("", "box", MessageProperties.BASIC, bytes("g" + i));
                GetResponse r = ch.basicGet("box", true);
                assertNotNull(r, "the get after publish " + i + " found it");
                assertEquals("g" + i, new String(r.getBody(), StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 20; i++) {
                ch.basicPublish("", "box", MessageProperties.BASIC, bytes("p" + i));
            }
            assertEquals(20, ch.queueDeclarePassive("box").getMessageCount(), "the count covers them");
            assertEquals(20, ch.queuePurge("box").getMessageCount(), "the purge takes them");
        }
    }

    @Test
    void aGetIsHeldOnlyBehindPublishesToItsOwnQueue() throws Exception {
        threeNodes("held", "free");
        AmqpQueue held = cluster.node(0).broker().vhost("/").queue("held");
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", "free", MessageProperties.PERSISTENT_BASIC, bytes("ready"));
            ch.waitForConfirmsOrDie(30_000);
            cluster.node(0).node().link().pauseReading(true);
            Channel other = b.createChannel();
            other.basicPublish("", "held", MessageProperties.BASIC, bytes("waits"));
            GetResponse r = ch.basicGet("free", true);
            assertNotNull(r);
            assertEquals("ready", new String(r.getBody(), StandardCharsets.UTF_8));
            assertEquals(0, held.readyCountSnapshot());
            cluster.node(0).node().link().pauseReading(false);
            GetResponse w = other.basicGet("held", true);
            assertNotNull(w, "the get waited for the publish before it");
            assertEquals("waits", new String(w.getBody(), StandardCharsets.UTF_8));
        }
        assertTrue(cluster.node(1).broker().vhost("/").queue("held") instanceof RemoteQueue);
    }

    @Test
    void aHomeQueueInFlowPausesPublishersOnAnotherNodeUntilItsFlowEnds() throws Exception {
        threeNodes("deep");
        AmqpQueue home = cluster.node(0).broker().vhost("/").queue("deep");
        int count = 40_000;
        try (Connection a = connect(cluster.node(0).broker()); Connection b = connect(cluster.node(1).broker())) {
            java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
            Channel slow = a.createChannel();
            slow.basicQos(1);
            // a busy consumer that falls behind: the queue goes into flow above 20,000 ready messages
            String tag = slow.basicConsume("deep", false, (t, d) -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                slow.basicAck(d.getEnvelope().getDeliveryTag(), false);
                acked.incrementAndGet();
            }, t -> { });
            Channel pub = b.createChannel();
            Thread publisher = new Thread(() -> {
                byte[] body = new byte[1024];
                try {
                    for (int i = 0; i < count; i++) {
                        pub.basicPublish("", "deep", MessageProperties.BASIC, body);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            publisher.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.node(0).node().link().publishesHeldForFlow());
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.node(1).broker().connections().stream()
                    .anyMatch(c -> c.isInFlow()));
            assertTrue(home.readyCountSnapshot() < count, "node a holds back what node b still has to send");

            slow.basicCancel(tag); // no consumer is busy any more: the flow ends and the rest comes in
            await().atMost(Duration.ofSeconds(60)).until(() -> !cluster.node(0).node().link().publishesHeldForFlow());
            publisher.join(60_000);
            assertFalse(publisher.isAlive());
            await().atMost(Duration.ofSeconds(60)).until(() -> home.readyCountSnapshot() + acked.get() == count);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().connections().stream()
                    .noneMatch(c -> c.isInFlow()));
        }
    }
}
