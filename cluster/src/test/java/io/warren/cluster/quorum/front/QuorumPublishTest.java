package io.warren.cluster.quorum.front;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.broker.Broker;
import io.warren.broker.queue.AmqpQueue;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.shard.ShardCatalog;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quorum queues through any node of a three-node cluster, with the real RabbitMQ client: declared on one node,
 * published to with confirms on the others, got, acked, requeued, rejected, purged and deleted anywhere.
 */
class QuorumPublishTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, Object> QUORUM = Map.of("x-queue-type", "quorum");
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Connection connect(Broker b) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(b.port());
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection();
    }

    /** Three nodes with their defaults applied and every shard open on every node. */
    static TestCluster threeNodesWithShards(Path dir) {
        return threeNodesWithShards(new TestCluster(dir, 3));
    }

    /** The cluster's three nodes started, their defaults applied and every shard open on every node. */
    static TestCluster threeNodesWithShards(TestCluster unstarted) {
        TestCluster c = unstarted.startAll();
        await().atMost(Duration.ofSeconds(60)).until(() -> IntStream.range(0, 3).allMatch(i -> {
            var n = c.node(i);
            ShardCatalog catalog = n.node().shardCatalog();
            return n.broker().vhost("/") != null && n.broker().users().user("guest") != null && catalog != null
                    && n.node().quorum().groupIds().size() == catalog.shardsOf("node" + (char) ('a' + i)).size();
        }));
        return c;
    }

    private Broker broker(int i) {
        return cluster.node(i).broker();
    }

    private QuorumQueue awaitQuorumQueue(int i, String name) {
        await().atMost(WAIT).until(() -> broker(i).vhost("/").queue(name) instanceof QuorumQueue);
        return (QuorumQueue) broker(i).vhost("/").queue(name);
    }

    private static void publish(Channel ch, String queue, String body) throws IOException {
        ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(GetResponse r) {
        return new String(r.getBody(), StandardCharsets.UTF_8);
    }

    private long count(int node, String queue) throws Exception {
        try (Connection c = connect(broker(node)); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getMessageCount();
        }
    }

    @Test
    void declaredOnOneNodePublishedWithConfirmsOnTheOthersCountedAndGotEverywhereInOrder() throws Exception {
        cluster = threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("orders", true, false, false, QUORUM);
        }
        int shard = awaitQuorumQueue(0, "orders").shard();
        for (int i = 0; i < 3; i++) {
            QuorumQueue q = awaitQuorumQueue(i, "orders");
            assertEquals(shard, q.shard(), "every node puts the queue in the same shard");
            assertEquals("quorum", q.type().argument());
        }
        assertEquals("nodea", cluster.node(0).node().shardCatalog().shards().get(shard).preferredLeader(),
                "client-local: a shard whose preferred leader is the declaring node");

        for (int node = 1; node <= 2; node++) {
            try (Connection c = connect(broker(node)); Channel ch = c.createChannel()) {
                ch.confirmSelect();
                for (int i = 0; i < 100; i++) {
                    publish(ch, "orders", "n" + node + "-" + i);
                }
                ch.waitForConfirmsOrDie(30_000);
            }
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> count(n, "orders") == 200);
            // the management API's figures follow the node's replica
            await().atMost(WAIT).until(() -> awaitQuorumQueue(n, "orders").readyCountSnapshot() == 200);
        }

        List<String> fromB = new ArrayList<>();
        List<String> fromC = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            try (Connection c = connect(broker(i % 3)); Channel ch = c.createChannel()) {
                GetResponse r = ch.basicGet("orders", true);
                assertNotNull(r, "message " + i);
                (body(r).startsWith("n1-") ? fromB : fromC).add(body(r));
            }
        }
        assertEquals(IntStream.range(0, 100).mapToObj(i -> "n1-" + i).toList(), fromB);
        assertEquals(IntStream.range(0, 100).mapToObj(i -> "n2-" + i).toList(), fromC);
        try (Connection c = connect(broker(1)); Channel ch = c.createChannel()) {
            assertNull(ch.basicGet("orders", true));
        }
    }

    @Test
    void gotMessagesAreAckedRequeuedWithTheirDeliveryCountAndRejectedThroughAnyNode() throws Exception {
        cluster = threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("work", true, false, false, QUORUM);
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) {
                publish(ch, "work", "m" + i);
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        awaitQuorumQueue(1, "work");
        try (Connection b = connect(broker(1)); Channel ch = b.createChannel()) {
            GetResponse first = ch.basicGet("work", false);
            assertEquals("m0", body(first));
            assertFalse(first.getEnvelope().isRedeliver());
            assertEquals(2, first.getMessageCount());
            ch.basicNack(first.getEnvelope().getDeliveryTag(), false, true);

            GetResponse again = ch.basicGet("work", false);
            assertEquals("m0", body(again), "a requeued message goes back to its place");
            assertTrue(again.getEnvelope().isRedeliver());
            assertEquals(1L, ((Number) again.getProps().getHeaders().get("x-delivery-count")).longValue());
            ch.basicAck(again.getEnvelope().getDeliveryTag(), false);

            GetResponse second = ch.basicGet("work", false);
            assertEquals("m1", body(second));
            ch.basicReject(second.getEnvelope().getDeliveryTag(), false);
        }
        awaitQuorumQueue(2, "work");
        await().atMost(WAIT).until(() -> count(2, "work") == 1);
        try (Connection c = connect(broker(2)); Channel ch = c.createChannel()) {
            GetResponse last = ch.basicGet("work", false);
            assertEquals("m2", body(last));
            // unacked when the channel closes: it comes back
        }
        await().atMost(WAIT).until(() -> count(0, "work") == 1);
        QueueKey key = awaitQuorumQueue(0, "work").key();
        await().atMost(WAIT).until(() -> awaitQuorumQueue(0, "work").localCounts().unacked() == 0);
        assertEquals(key, new QueueKey("/", "work"));
    }

    @Test
    void purgedOnOneNodeAndDeletedOnAnotherItIsGoneEverywhere() throws Exception {
        cluster = threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("temp", true, false, false, QUORUM);
            ch.confirmSelect();
            for (int i = 0; i < 10; i++) {
                publish(ch, "temp", "m" + i);
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        awaitQuorumQueue(2, "temp");
        try (Connection c = connect(broker(2)); Channel ch = c.createChannel()) {
            assertEquals(10, ch.queuePurge("temp").getMessageCount());
            ch.confirmSelect();
            for (int i = 0; i < 5; i++) {
                publish(ch, "temp", "p" + i);
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        QuorumQueue onA = awaitQuorumQueue(0, "temp");
        await().atMost(WAIT).until(() -> onA.localCounts().ready() == 5);
        // the delete's count is b's replica's, which may still be behind on a loaded machine
        QuorumQueue onB = awaitQuorumQueue(1, "temp");
        await().atMost(WAIT).until(() -> onB.localCounts() != null && onB.localCounts().ready() == 5);
        // and its figures, which answer when b's replica applies the shard's detach before b's definitions log the
        // deletion (another node can get there first)
        await().atMost(WAIT).until(() -> onB.readyCountSnapshot() == 5);
        try (Connection b = connect(broker(1)); Channel ch = b.createChannel()) {
            assertEquals(5, ch.queueDelete("temp").getMessageCount());
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> broker(n).vhost("/").queue("temp") == null);
        }
        await().atMost(WAIT).until(() -> onA.localCounts() == null); // the shard dropped it
    }

    @Test
    void rejectPublishOverflowNacksWhatDoesNotFit() throws Exception {
        cluster = threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("small", true, false, false, Map.of("x-queue-type", "quorum", "x-max-length", 5,
                    "x-overflow", "reject-publish"));
        }
        awaitQuorumQueue(1, "small");
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger nacked = new AtomicInteger();
        try (Connection b = connect(broker(1)); Channel ch = b.createChannel()) {
            ch.confirmSelect();
            ch.addConfirmListener((tag, multiple) -> acked.incrementAndGet(),
                    (tag, multiple) -> nacked.incrementAndGet());
            for (int i = 0; i < 8; i++) {
                publish(ch, "small", "m" + i);
                ch.waitForConfirms(30_000); // one at a time, so each has a confirm of its own
            }
        }
        assertEquals(5, acked.get());
        assertEquals(3, nacked.get());
        assertEquals(5, count(2, "small"));
    }

    @Test
    void withoutAMajorityAPublishIsNotConfirmedAndPublishingResumesOnceItIsBack() throws Exception {
        cluster = threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("safe", true, false, false, QUORUM);
            ch.confirmSelect();
            publish(ch, "safe", "before");
            ch.waitForConfirmsOrDie(30_000);
        }
        awaitQuorumQueue(1, "safe");
        awaitQuorumQueue(2, "safe");
        cluster.stop(1);
        cluster.stop(2);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.confirmSelect();
            publish(ch, "safe", "alone");
            assertThrows(TimeoutException.class, () -> ch.waitForConfirms(3_000),
                    "one node of three cannot commit: no confirm");
        }
        cluster.start(1);
        cluster.start(2);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.confirmSelect();
            publish(ch, "safe", "after");
            ch.waitForConfirmsOrDie(30_000);
        }
        await().atMost(WAIT).until(() -> count(1, "safe") >= 2);
    }

    @Test
    void aRedeclarationWithOtherArgumentsIsRefusedOnAnyNode() throws Exception {
        cluster = threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("args", true, false, false, Map.of("x-queue-type", "quorum", "x-max-length", 10));
        }
        awaitQuorumQueue(2, "args");
        try (Connection c = connect(broker(2))) {
            Channel ch = c.createChannel(); // closed by the refusal
            ch.queueDeclare("args", true, false, false, Map.of("x-queue-type", "quorum", "x-max-length", 10));
            IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("args", true, false, false,
                    Map.of("x-queue-type", "quorum", "x-max-length", 20)));
            String why = ((ShutdownSignalException) e.getCause()).getReason().toString();
            assertTrue(why.contains("406") && why.contains("inequivalent arg 'x-max-length'"), why);
        }
    }

    @Test
    void aClusterWithoutShardsRefusesQuorumQueuesSayingWhy() throws Exception {
        cluster = new TestCluster(dir, 2).noQuorumShards().startAll();
        await().atMost(Duration.ofSeconds(60)).until(() -> broker(0).vhost("/") != null
                && broker(0).users().user("guest") != null);
        try (Connection a = connect(broker(0))) {
            Channel ch = a.createChannel(); // closed by the refusal
            IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("nope", true, false, false,
                    QUORUM));
            String why = ((ShutdownSignalException) e.getCause()).getReason().toString();
            assertTrue(why.contains("406") && why.contains("no quorum shards yet"), why);
        }
        AmqpQueue none = broker(0).vhost("/").queue("nope");
        assertNull(none);
    }
}
