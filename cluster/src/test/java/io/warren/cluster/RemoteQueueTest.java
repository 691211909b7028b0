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
import io.warren.broker.queue.AmqpQueue;
import io.warren.cluster.remote.RemoteQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    void publishesToAQueueWhoseHomeIsDownAreNackedAndConsumingNamesTheNode() throws Exception {
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
            assertTrue(why.contains("nodea"), why);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
