package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.queue.AmqpQueue;
import io.warren.cluster.remote.RemoteQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queue homed on one node, published to through another: the message crosses the cluster link. */
class RemoteQueueTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private TestCluster threeNodes() {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        return cluster;
    }

    /** Waits until node i sees the queue as a proxy of its home's. */
    private RemoteQueue awaitRemote(int i, String queue) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(i).broker().vhost("/").queue(queue)
                instanceof RemoteQueue);
        return (RemoteQueue) cluster.node(i).broker().vhost("/").queue(queue);
    }

    private static String body(GetResponse r) {
        return new String(r.getBody(), StandardCharsets.UTF_8);
    }

    @Test
    void publishedThroughAnotherNodeIsConfirmedOnceTheHomeHasItAndConsumedThereInOrder() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("work", true, false, false, null);
        }
        assertEquals("nodea", awaitRemote(1, "work").home());
        int count = 200;
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < count; i++) {
                ch.basicPublish("", "work", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        AmqpQueue home = cluster.node(0).broker().vhost("/").queue("work");
        // confirmed means taken by the home queue (and fsynced there): no wait needed for the count
        assertEquals(count, home.readyCountSnapshot() + home.unackedCountSnapshot());
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            for (int i = 0; i < count; i++) {
                GetResponse r = ch.basicGet("work", true);
                assertNotNull(r, "message " + i);
                assertEquals("m" + i, body(r));
                assertEquals(2, r.getProps().getDeliveryMode());
            }
            assertEquals(null, ch.basicGet("work", true));
        }
    }

    @Test
    void everyExchangeTypeRoutesFromThePublishingNodeToTheHomeQueue() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("all", true, false, false, null);
            ch.exchangeDeclare("x.direct", "direct", true);
            ch.exchangeDeclare("x.fanout", "fanout", true);
            ch.exchangeDeclare("x.topic", "topic", true);
            ch.exchangeDeclare("x.headers", "headers", true);
            ch.queueBind("all", "x.direct", "d");
            ch.queueBind("all", "x.fanout", "");
            ch.queueBind("all", "x.topic", "t.#");
            ch.queueBind("all", "x.headers", "", Map.of("x-match", "all", "kind", "h"));
        }
        awaitRemote(2, "all");
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(2).broker().vhost("/").bindings().stream()
                .filter(x -> x.source().startsWith("x.")).count() == 4);
        try (Connection c = connect(cluster.node(2).broker()); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("x.direct", "d", true, MessageProperties.PERSISTENT_BASIC, bytes("direct"));
            ch.basicPublish("x.fanout", "any", true, MessageProperties.PERSISTENT_BASIC, bytes("fanout"));
            ch.basicPublish("x.topic", "t.a.b", true, MessageProperties.PERSISTENT_BASIC, bytes("topic"));
            ch.basicPublish("x.headers", "", true, new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .headers(Map.of("kind", "h")).build(), bytes("headers"));
            ch.basicPublish("", "all", true, MessageProperties.PERSISTENT_BASIC, bytes("default"));
            ch.waitForConfirmsOrDie(30_000);
        }
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            for (String expected : new String[] {"direct", "fanout", "topic", "headers", "default"}) {
                GetResponse r = ch.basicGet("all", true);
                assertNotNull(r, expected);
                assertEquals(expected, body(r));
            }
        }
    }

    @Test
    void aNodeRestartedKeepsForwardingToTheHome() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("kept", true, false, false, null);
        }
        awaitRemote(1, "kept");
        cluster.stop(1);
        cluster.start(1);
        // restored from its store as a proxy, before its Raft log is replayed
        assertInstanceOf(RemoteQueue.class, cluster.node(1).broker().vhost("/").queue("kept"));
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", "kept", MessageProperties.PERSISTENT_BASIC, bytes("after restart"));
            ch.waitForConfirmsOrDie(30_000);
        }
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            assertEquals("after restart", body(ch.basicGet("kept", true)));
        }
    }

    @Test
    void whileTheHomeNodeIsDownPublishesAreNackedAndDeclaresNameItThenItServesAgain() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("away", true, false, false, null);
        }
        awaitRemote(1, "away");
        cluster.stop(0);
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            ch.confirmSelect();
            ch.basicPublish("", "away", MessageProperties.PERSISTENT_BASIC, bytes("lost"));
            assertFalse(ch.waitForConfirms(30_000), "the home node is down: the publish is nacked");
            IOException e = assertThrows(IOException.class, () -> b.createChannel().basicConsume("away", true,
                    (tag, d) -> { }, tag -> { }));
            String why = e.getCause().getMessage();
            assertTrue(why.contains("NOT_FOUND - home node 'nodea' of durable queue 'away' in vhost '/' is down or "
                    + "inaccessible"), why);
            IOException passive = assertThrows(IOException.class, () -> b.createChannel()
                    .queueDeclarePassive("away"));
            assertTrue(passive.getCause().getMessage().contains("home node 'nodea'"), passive.getCause().getMessage());
        }
        // back again: the node finds it within a few seconds (it retries every second) and serves the queue
        cluster.start(0);
        try (Connection b = connect(cluster.node(1).broker())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Channel ch = b.createChannel()) {
                    return ch.queueDeclarePassive("away").getQueue().equals("away");
                }
            });
            Channel ch = b.createChannel();
            ch.confirmSelect();
            ch.basicPublish("", "away", MessageProperties.PERSISTENT_BASIC, bytes("back"));
            ch.waitForConfirmsOrDie(30_000);
            assertEquals("back", body(ch.basicGet("away", true)));
        }
    }

    @Test
    void consumingThroughAnotherNodeHonoursPrefetchAndAcksAndKeepsOrder() throws Exception {
        threeNodes();
        int count = 300;
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("feed", true, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < count; i++) {
                ch.basicPublish("", "feed", MessageProperties.PERSISTENT_BASIC, bytes("m" + i));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        awaitRemote(1, "feed");
        AmqpQueue home = cluster.node(0).broker().vhost("/").queue("feed");
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            ch.basicQos(10);
            ch.basicConsume("feed", false, (tag, d) -> first.add(new String(d.getBody(), StandardCharsets.UTF_8)),
                    tag -> { });
            // nothing acked yet: the home node holds the rest back, within the consumer's prefetch
            await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 10
                    && home.unackedCountSnapshot() == 10 && home.readyCountSnapshot() == count - 10);
            for (int i = 0; i < 10; i++) {
                assertEquals("m" + i, first.get(i));
            }
            ch.basicAck(10, true);
            await().atMost(Duration.ofSeconds(30)).until(() -> home.readyCountSnapshot()
                    + home.unackedCountSnapshot() == count - 10);
        } // closed with up to 10 more unacked: they go back to the home queue, in their place
        List<String> rest = Collections.synchronizedList(new ArrayList<>());
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            ch.basicQos(10);
            ch.basicConsume("feed", false, (tag, d) -> {
                rest.add(new String(d.getBody(), StandardCharsets.UTF_8));
                ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
            await().atMost(Duration.ofSeconds(60)).until(() -> rest.size() >= count - 10);
        }
        for (int i = 10; i < count; i++) {
            assertEquals("m" + i, rest.get(i - 10));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> home.readyCountSnapshot() == 0
                && home.unackedCountSnapshot() == 0);
    }

    @Test
    void aRejectThroughAnotherNodeDeadLettersOnTheHomeAndANackRequeues() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("dead", true, false, false, null);
            ch.queueDeclare("judged", true, false, false, Map.of("x-dead-letter-exchange", "",
                    "x-dead-letter-routing-key", "dead"));
            ch.confirmSelect();
            ch.basicPublish("", "judged", MessageProperties.PERSISTENT_BASIC, bytes("again"));
            ch.basicPublish("", "judged", MessageProperties.PERSISTENT_BASIC, bytes("refused"));
            ch.waitForConfirmsOrDie(30_000);
        }
        awaitRemote(2, "judged");
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Connection c = connect(cluster.node(2).broker())) {
            Channel ch = c.createChannel();
            ch.basicConsume("judged", false, (tag, d) -> {
                String body = new String(d.getBody(), StandardCharsets.UTF_8);
                seen.add(body + (d.getEnvelope().isRedeliver() ? " (redelivered)" : ""));
                long t = d.getEnvelope().getDeliveryTag();
                if (body.equals("refused")) {
                    ch.basicReject(t, false);
                } else if (d.getEnvelope().isRedeliver()) {
                    ch.basicAck(t, false);
                } else {
                    ch.basicNack(t, false, true);
                }
            }, tag -> { });
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("again (redelivered)"));
        }
        assertTrue(seen.contains("again") && seen.contains("refused"), seen.toString());
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount("dead") == 1);
            GetResponse r = ch.basicGet("dead", true);
            assertEquals("refused", body(r));
            assertNotNull(r.getProps().getHeaders().get("x-death"), "dead-lettered by the home node");
            assertEquals(0, ch.messageCount("judged"));
        }
    }

    @Test
    void getPurgeAndDeleteThroughAnotherNode() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("box", true, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 5; i++) {
                ch.basicPublish("", "box", MessageProperties.PERSISTENT_BASIC, bytes("m" + i));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        awaitRemote(1, "box");
        AmqpQueue home = cluster.node(0).broker().vhost("/").queue("box");
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            // declare-ok counts come from the home node
            assertEquals(5, ch.queueDeclarePassive("box").getMessageCount());
            assertEquals(5, ch.queueDeclare("box", true, false, false, null).getMessageCount());
            GetResponse first = ch.basicGet("box", false);
            assertEquals("m0", body(first));
            assertEquals(4, first.getMessageCount());
            assertFalse(first.getEnvelope().isRedeliver());
            assertEquals("m1", body(ch.basicGet("box", true)));
            ch.basicReject(first.getEnvelope().getDeliveryTag(), true);
            GetResponse again = ch.basicGet("box", true);
            assertEquals("m0", body(again));
            assertTrue(again.getEnvelope().isRedeliver());
            assertEquals(3, ch.queuePurge("box").getMessageCount());
            assertEquals(null, ch.basicGet("box", true));
            assertEquals(0, home.readyCountSnapshot() + home.unackedCountSnapshot());
            // the admin API (HTTP's get and purge) on a node other than the home goes through the link too
            ch.basicPublish("", "box", MessageProperties.PERSISTENT_BASIC, bytes("seen"));
            ch.basicPublish("", "box", MessageProperties.PERSISTENT_BASIC, bytes("kept"));
            await().atMost(Duration.ofSeconds(30)).until(() -> home.readyCountSnapshot() == 2);
            BrokerAdmin admin = new BrokerAdmin(cluster.node(1).broker(), cluster.node(1).node());
            var looked = admin.messages().get("/", "box", 5, true).get(30, TimeUnit.SECONDS);
            assertEquals(List.of("seen", "kept"), looked.stream().map(g -> new String(g.body(),
                    StandardCharsets.UTF_8)).toList());
            var taken = admin.messages().get("/", "box", 1, false).get(30, TimeUnit.SECONDS);
            assertEquals("seen", new String(taken.get(0).body(), StandardCharsets.UTF_8));
            assertTrue(taken.get(0).redelivered(), "put back by the first look");
            assertEquals(1, admin.messages().purge("/", "box").get(30, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(30)).until(() -> home.readyCountSnapshot()
                    + home.unackedCountSnapshot() == 0);
            ch.queueDelete("box");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(0).broker().vhost("/").queue("box") == null);
    }

    @Test
    void publishersPauseWhileTheLinkToTheHomeNodeIsBackedUp() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("slow", true, false, false, null);
        }
        awaitRemote(1, "slow");
        AmqpQueue home = cluster.node(0).broker().vhost("/").queue("slow");
        int count = 4000;
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            ch.confirmSelect();
            // persistent: its confirm comes from the home node, so the link is open once it is here
            ch.basicPublish("", "slow", MessageProperties.PERSISTENT_BASIC, bytes("opens the link"));
            ch.waitForConfirmsOrDie(30_000);
            cluster.node(0).node().link().pauseReading(true);
            byte[] body = new byte[16 * 1024];
            Thread publisher = new Thread(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        ch.basicPublish("", "slow", MessageProperties.BASIC, body);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            publisher.start();
            // more than the sockets hold: the link backs up and node b stops reading the publisher
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.node(1).broker().connections().stream()
                    .anyMatch(c -> c.isInFlow()));
            assertTrue(home.readyCountSnapshot() < count, "the home node took only what it read");
            cluster.node(0).node().link().pauseReading(false);
            await().atMost(Duration.ofSeconds(60)).until(() -> home.readyCountSnapshot() == count + 1);
            publisher.join(30_000);
            assertFalse(publisher.isAlive());
            assertTrue(cluster.node(1).broker().connections().stream().noneMatch(c -> c.isInFlow()));
        }
    }

    @Test
    void aHigherPriorityConsumerOnAnotherNodeGetsTheMessagesFirst() throws Exception {
        threeNodes();
        List<String> onHome = Collections.synchronizedList(new ArrayList<>());
        List<String> onOther = Collections.synchronizedList(new ArrayList<>());
        try (Connection a = connect(cluster.node(0).broker()); Connection b = connect(cluster.node(1).broker())) {
            Channel ha = a.createChannel();
            ha.queueDeclare("ranked", true, false, false, null);
            awaitRemote(1, "ranked");
            ha.basicQos(100);
            ha.basicConsume("ranked", false, Map.of("x-priority", 0),
                    (tag, d) -> onHome.add(new String(d.getBody(), StandardCharsets.UTF_8)), tag -> { });
            Channel hb = b.createChannel();
            hb.basicQos(100);
            hb.basicConsume("ranked", false, Map.of("x-priority", 10),
                    (tag, d) -> onOther.add(new String(d.getBody(), StandardCharsets.UTF_8)), tag -> { });
            AmqpQueue home = cluster.node(0).broker().vhost("/").queue("ranked");
            await().atMost(Duration.ofSeconds(30)).until(() -> home.consumerCountSnapshot() == 2);
            for (int i = 0; i < 50; i++) {
                ha.basicPublish("", "ranked", MessageProperties.PERSISTENT_BASIC, bytes("m" + i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> onOther.size() == 50);
            assertEquals("m0", onOther.get(0));
            assertEquals(List.of(), onHome, "the home node's own consumer has the lower priority");
        }
    }

    @Test
    void balancedQueuesAreHomedOnTheNodesWithFewestQueuesAndServedFromTheDeclaringOne() throws Exception {
        threeNodes();
        List<String> homes = new ArrayList<>();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            for (int i = 0; i < 3; i++) {
                ch.queueDeclare("spread" + i, true, false, false, Map.of("x-queue-leader-locator", "balanced"));
                homes.add(cluster.node(0).node().queueNode("/", "spread" + i));
            }
            assertEquals(List.of("nodea", "nodeb", "nodec"), homes);
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "spread" + i, MessageProperties.PERSISTENT_BASIC, bytes("to " + i));
            }
            ch.waitForConfirmsOrDie(30_000);
            for (int i = 0; i < 3; i++) {
                assertEquals("to " + i, body(ch.basicGet("spread" + i, true)));
            }
        }
        // each queue is a real queue on its home node and a proxy on the declaring one
        assertFalse(cluster.node(0).broker().vhost("/").queue("spread0") instanceof RemoteQueue);
        for (int i = 1; i < 3; i++) {
            int n = i;
            assertInstanceOf(RemoteQueue.class, cluster.node(0).broker().vhost("/").queue("spread" + i));
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(n).broker().vhost("/")
                    .queue("spread" + n) != null);
            assertFalse(cluster.node(i).broker().vhost("/").queue("spread" + i) instanceof RemoteQueue);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
