package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.remote.RemoteQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient and exclusive queues, transient exchanges and their bindings are cluster-wide, as in RabbitMQ: seen and
 * used from every node, hosted on the node that declared them, and gone when that node goes.
 */
class TransientQueuesAcrossNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LOCKED = "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'mine' "
            + "in vhost '/'";
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void threeNodes() {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
    }

    private VirtualHost vhost(int node) {
        return cluster.node(node).broker().vhost("/");
    }

    private RemoteQueue awaitRemote(int node, String queue) {
        await().atMost(WAIT).until(() -> vhost(node).queue(queue) instanceof RemoteQueue);
        return (RemoteQueue) vhost(node).queue(queue);
    }

    private void awaitGone(int node, String queue) {
        await().atMost(WAIT).until(() -> vhost(node).queue(queue) == null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String body(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * The next message of a queue, got through a node; waited for, since a transient message is confirmed to its
     * publisher once it is sent to its home node, which may not have it yet.
     */
    private String awaitGet(int node, String queue) throws Exception {
        try (Connection conn = connect(cluster.node(node).broker())) {
            Channel ch = conn.createChannel();
            GetResponse[] got = new GetResponse[1];
            await().atMost(WAIT).until(() -> (got[0] = ch.basicGet(queue, true)) != null);
            return body(got[0].getBody());
        }
    }

    /** The AMQP error a call gets, as the client reports it. */
    private static String refusal(Executable call) {
        IOException e = assertThrows(IOException.class, call);
        return e.getCause().getMessage();
    }

    @Test
    void transientQueueDeclaredOnOneNodeIsSeenPublishedToAndConsumedThroughTheOthers() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker())) {
            a.createChannel().queueDeclare("temp", false, false, false, null);
        }
        assertEquals("nodea", awaitRemote(1, "temp").home());
        assertEquals("nodea", awaitRemote(2, "temp").home());
        assertEquals("nodea", cluster.node(1).node().queueNode("/", "temp"));
        try (Connection b = connect(cluster.node(1).broker()); Connection c = connect(cluster.node(2).broker())) {
            Channel onB = b.createChannel();
            assertEquals("temp", onB.queueDeclarePassive("temp").getQueue());
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            onB.basicConsume("temp", true, (tag, d) -> got.add(body(d.getBody())), tag -> { });
            Channel onC = c.createChannel();
            onC.confirmSelect();
            onC.basicPublish("", "temp", null, bytes("through c"));
            onC.waitForConfirmsOrDie(30_000);
            assertEquals("through c", got.poll(30, TimeUnit.SECONDS));
        }
        // a restart of a node that did not declare it keeps it: the log replays it there
        cluster.stop(2);
        cluster.start(2);
        assertEquals("nodea", awaitRemote(2, "temp").home());
        assertEquals(false, vhost(2).queue("temp").durable());
    }

    @Test
    void transientExchangeDeclaredOnOneNodeRoutesAPublishMadeOnAnother() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker())) {
            Channel ch = a.createChannel();
            ch.exchangeDeclare("fleeting", "direct", false);
            ch.queueDeclare("kept", true, false, false, null);
            ch.queueBind("kept", "fleeting", "k");
        }
        awaitRemote(1, "kept");
        await().atMost(WAIT).until(() -> vhost(1).exchange("fleeting") != null
                && !vhost(1).exchange("fleeting").router().isEmpty());
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            ch.confirmSelect();
            ch.basicPublish("fleeting", "k", null, bytes("routed on b"));
            ch.waitForConfirmsOrDie(30_000);
        }
        assertEquals("routed on b", awaitGet(0, "kept"));
        assertEquals(false, vhost(1).exchange("fleeting").durable());
    }

    @Test
    void exclusiveQueueIsListedEverywhereLockedToOtherConnectionsAndGoesWithItsConnection() throws Exception {
        threeNodes();
        Connection owner = connect(cluster.node(0).broker());
        Channel mine = owner.createChannel();
        mine.queueDeclare("mine", false, true, false, null);
        RemoteQueue proxy = awaitRemote(1, "mine");
        assertTrue(proxy.exclusive());
        awaitRemote(2, "mine");
        try (Connection b = connect(cluster.node(1).broker()); Connection other = connect(cluster.node(0).broker())) {
            String why = refusal(() -> b.createChannel().queueDeclarePassive("mine"));
            assertTrue(why.contains(LOCKED), why);
            why = refusal(() -> b.createChannel().queueDeclare("mine", false, true, false, null));
            assertTrue(why.contains(LOCKED), why);
            why = refusal(() -> b.createChannel().basicConsume("mine", true, (tag, d) -> { }, tag -> { }));
            assertTrue(why.contains(LOCKED), why);
            why = refusal(() -> b.createChannel().basicGet("mine", true));
            assertTrue(why.contains(LOCKED), why);
            why = refusal(() -> b.createChannel().queuePurge("mine"));
            assertTrue(why.contains(LOCKED), why);
            why = refusal(() -> b.createChannel().queueDelete("mine"));
            assertTrue(why.contains(LOCKED), why);
            why = refusal(() -> b.createChannel().queueBind("mine", "amq.fanout", ""));
            assertTrue(why.contains(LOCKED), why);
            why = refusal(() -> other.createChannel().basicConsume("mine", true, (tag, d) -> { }, tag -> { }));
            assertTrue(why.contains(LOCKED), why);
            // publishing to another connection's exclusive queue is allowed, from any node
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            mine.basicConsume("mine", true, (tag, d) -> got.add(body(d.getBody())), tag -> { });
            Channel onB = b.createChannel();
            onB.confirmSelect();
            onB.basicPublish("", "mine", null, bytes("to the owner"));
            onB.waitForConfirmsOrDie(30_000);
            assertEquals("to the owner", got.poll(30, TimeUnit.SECONDS));
        }
        owner.close();
        awaitGone(0, "mine");
        awaitGone(1, "mine");
        awaitGone(2, "mine");
    }

    @Test
    void stoppingTheOwnersNodeDeletesItsExclusiveAndTransientQueuesAndExchangesOnTheOthers() throws Exception {
        threeNodes();
        Connection owner = connect(cluster.node(0).broker());
        Channel ch = owner.createChannel();
        ch.queueDeclare("mine", false, true, false, null);
        ch.queueDeclare("temp", false, false, false, null);
        ch.queueDeclare("kept", true, false, false, null);
        ch.exchangeDeclare("fleeting", "fanout", false);
        ch.queueBind("kept", "fleeting", "");
        for (int i = 1; i <= 2; i++) {
            awaitRemote(i, "mine");
            awaitRemote(i, "temp");
            awaitRemote(i, "kept");
            int node = i;
            await().atMost(WAIT).until(() -> vhost(node).exchange("fleeting") != null);
        }
        cluster.stop(0);
        for (int i = 1; i <= 2; i++) {
            int node = i;
            awaitGone(node, "mine");
            awaitGone(node, "temp");
            await().atMost(WAIT).until(() -> vhost(node).exchange("fleeting") == null);
            assertTrue(vhost(node).queue("kept") instanceof RemoteQueue, "the durable queue stays, its home down");
        }
        // back: its earlier run's transient definitions stay gone there too, its durable queue is back
        cluster.start(0);
        cluster.node(0).node().awaitApplied();
        await().atMost(WAIT).until(() -> vhost(0).queue("kept") != null);
        assertNull(vhost(0).queue("mine"));
        assertNull(vhost(0).queue("temp"));
        assertNull(vhost(0).exchange("fleeting"));
    }

    @Test
    void aRestartedNodesEarlierTransientQueuesAreGoneOnEveryNode() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker())) {
            Channel ch = a.createChannel();
            ch.queueDeclare("temp", false, false, false, null);
            ch.exchangeDeclare("fleeting", "topic", false);
        }
        awaitRemote(1, "temp");
        awaitRemote(2, "temp");
        // restarted at once: whether or not the others noticed it was away, the node drops its earlier run's
        cluster.stop(0);
        cluster.start(0);
        awaitGone(1, "temp");
        awaitGone(2, "temp");
        await().atMost(WAIT).until(() -> vhost(1).exchange("fleeting") == null
                && vhost(2).exchange("fleeting") == null);
        await().atMost(WAIT).until(() -> {
            cluster.node(0).node().awaitApplied();
            return vhost(0).queue("temp") == null && vhost(0).exchange("fleeting") == null;
        });
        // and it declares transient queues anew, seen everywhere
        try (Connection a = connect(cluster.node(0).broker())) {
            a.createChannel().queueDeclare("temp", false, false, false, null);
        }
        awaitRemote(1, "temp");
        AmqpQueue home = vhost(0).queue("temp");
        assertTrue(home != null && !(home instanceof RemoteQueue));
    }

    @Test
    void anAutoDeleteQueueWhoseOnlyConsumerWasOnALostNodeIsDeleted() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker())) {
            a.createChannel().queueDeclare("brief", false, false, true, null);
        }
        awaitRemote(1, "brief");
        awaitRemote(2, "brief");
        Connection b = connect(cluster.node(1).broker());
        b.createChannel().basicConsume("brief", true, (tag, d) -> { }, tag -> { });
        await().atMost(WAIT).until(() -> vhost(0).queue("brief").consumerCount() == 1);
        cluster.stop(1);
        awaitGone(0, "brief");
        awaitGone(2, "brief");
    }

    private void awaitTransientsOn(int node) {
        await().atMost(Duration.ofSeconds(60)).until(() -> vhost(node) != null
                && vhost(node).queue("temp") instanceof RemoteQueue && vhost(node).exchange("fleeting") != null
                && vhost(node).bindings().stream().anyMatch(b -> b.source().equals("fleeting")
                        && b.destination().name().equals("temp")));
    }

    @Test
    void aNodeThatCatchesUpFromASnapshotOrRestartsHasTheOthersTransientDefinitions() throws Exception {
        cluster = new TestCluster(dir, 3).snapshotEvery(5).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        cluster.stop(2);
        try (Connection a = connect(cluster.node(0).broker())) {
            Channel ch = a.createChannel();
            ch.exchangeDeclare("fleeting", "direct", false);
            ch.queueDeclare("temp", false, false, false, null);
            ch.queueBind("temp", "fleeting", "k");
            for (int i = 0; i < 12; i++) {
                ch.queueDeclare("filler" + i, true, false, false, null); // past a few snapshots: the log is trimmed
            }
        }
        cluster.start(2);
        awaitTransientsOn(2);
        cluster.stop(2);
        cluster.start(2);
        awaitTransientsOn(2);
        try (Connection c = connect(cluster.node(2).broker())) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.basicPublish("fleeting", "k", null, bytes("after the snapshot"));
            ch.waitForConfirmsOrDie(30_000);
        }
        assertEquals("after the snapshot", awaitGet(0, "temp"));
    }

    @Test
    void aNodeRemovedFromTheClusterLosesItsTransientQueuesOnTheOthers() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker())) {
            a.createChannel().queueDeclare("temp", false, false, false, null);
        }
        awaitRemote(1, "temp");
        awaitRemote(2, "temp");
        cluster.node(1).node().removeNode("nodea");
        awaitGone(1, "temp");
        awaitGone(2, "temp");
    }

    @Test
    void anExclusiveConsumeThroughAnyNodeIsCheckedAgainstEveryNodesConsumers() throws Exception {
        threeNodes();
        try (Connection a = connect(cluster.node(0).broker())) {
            a.createChannel().queueDeclare("shared", true, false, false, null);
        }
        awaitRemote(1, "shared");
        awaitRemote(2, "shared");
        AmqpQueue home = vhost(0).queue("shared");
        String inUse = "ACCESS_REFUSED - queue 'shared' in vhost '/' in exclusive use";
        try (Connection a = connect(cluster.node(0).broker()); Connection b = connect(cluster.node(1).broker());
             Connection c = connect(cluster.node(2).broker())) {
            Channel onC = c.createChannel();
            String plain = onC.basicConsume("shared", true, (tag, d) -> { }, tag -> { });
            await().atMost(WAIT).until(() -> home.consumerCount() == 1);
            String why = refusal(() -> b.createChannel().basicConsume("shared", true, "", false, true, null,
                    (tag, d) -> { }, tag -> { }));
            assertTrue(why.contains(inUse), why);
            onC.basicCancel(plain);
            await().atMost(WAIT).until(() -> home.consumerCount() == 0);

            Channel onB = b.createChannel();
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            String held = onB.basicConsume("shared", true, "", false, true, null,
                    (tag, d) -> got.add(body(d.getBody())), tag -> { });
            await().atMost(WAIT).until(home::hasExclusiveConsumer);
            why = refusal(() -> a.createChannel().basicConsume("shared", true, (tag, d) -> { }, tag -> { }));
            assertTrue(why.contains(inUse), why);
            why = refusal(() -> c.createChannel().basicConsume("shared", true, (tag, d) -> { }, tag -> { }));
            assertTrue(why.contains(inUse), why);
            assertEquals(1, home.consumerCount());
            a.createChannel().basicPublish("", "shared", null, bytes("to the exclusive consumer"));
            assertEquals("to the exclusive consumer", got.poll(30, TimeUnit.SECONDS));

            onB.basicCancel(held);
            await().atMost(WAIT).until(() -> home.consumerCount() == 0);
            c.createChannel().basicConsume("shared", true, (tag, d) -> { }, tag -> { });
            await().atMost(WAIT).until(() -> home.consumerCount() == 1);
        }
    }
}
