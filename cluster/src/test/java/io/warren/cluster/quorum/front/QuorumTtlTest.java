package io.warren.cluster.quorum.front;

import static io.warren.cluster.quorum.front.QuorumPublishTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.Broker;
import io.warren.broker.policy.Policy;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time in quorum queues on three real nodes: the shard leader ticks when a message's TTL is due, so messages expire
 * with nobody consuming (dead-lettered with reason expired when the queue has a dead-letter exchange), and a queue
 * unused for its x-expires is deleted on every node.
 */
class QuorumTtlTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Broker broker(int i) {
        return cluster.node(i).broker();
    }

    private List<QuorumQueue> onEveryNode(String name) {
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue(name) instanceof QuorumQueue));
        return IntStream.range(0, 3).mapToObj(i -> (QuorumQueue) broker(i).vhost("/").queue(name)).toList();
    }

    private static void publish(Channel ch, String queue, AMQP.BasicProperties props, String body)
            throws IOException {
        ch.basicPublish("", queue, props, body.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean readyEverywhere(List<QuorumQueue> queues, long ready) {
        return queues.stream().allMatch(q -> q.localCounts() != null && q.localCounts().ready() == ready);
    }

    @Test
    void messagesOfAQueueWithMessageTtlExpireWithoutAConsumer() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel();
             Connection b = connect(broker(1)); Channel publisher = b.createChannel()) {
            ch.queueDeclare("short", true, false, false, Map.of("x-queue-type", "quorum", "x-message-ttl", 300));
            List<QuorumQueue> queues = onEveryNode("short");
            publisher.confirmSelect();
            for (int i = 0; i < 10; i++) {
                publish(publisher, "short", MessageProperties.PERSISTENT_TEXT_PLAIN, "m" + i);
            }
            publisher.waitForConfirmsOrDie(30_000); // all ten were taken by the shard

            await().atMost(WAIT).until(() -> readyEverywhere(queues, 0));
            // and the management API's figure (refreshed from the replica every few seconds) falls too
            await().atMost(WAIT).until(() -> queues.stream().allMatch(q -> q.readyCountSnapshot() == 0));
            assertNull(ch.basicGet("short", true));
        }
    }

    @Test
    void aPerMessageExpirationIsHonoured() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        try (Connection c = connect(broker(2)); Channel ch = c.createChannel()) {
            ch.queueDeclare("mixed", true, false, false, Map.of("x-queue-type", "quorum"));
            List<QuorumQueue> queues = onEveryNode("mixed");
            ch.confirmSelect();
            publish(ch, "mixed", new AMQP.BasicProperties.Builder().expiration("300").deliveryMode(2).build(),
                    "soon gone");
            publish(ch, "mixed", MessageProperties.PERSISTENT_TEXT_PLAIN, "stays");
            ch.waitForConfirmsOrDie(30_000);

            // the expiring message is the head: it goes, and the one without an expiration stays
            await().atMost(WAIT).until(() -> readyEverywhere(queues, 1));
            GetResponse r = ch.basicGet("mixed", true);
            assertNotNull(r);
            assertEquals("stays", new String(r.getBody(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void expiredMessagesAreDeadLetteredWithReasonExpired() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel();
             Connection c = connect(broker(2)); Channel publisher = c.createChannel()) {
            ch.exchangeDeclare("dlx", "fanout", true);
            ch.queueDeclare("dead", true, false, false, Map.of());
            ch.queueBind("dead", "dlx", "");
            ch.queueDeclare("src", true, false, false, Map.of("x-queue-type", "quorum", "x-message-ttl", 300,
                    "x-dead-letter-exchange", "dlx"));
            List<QuorumQueue> queues = onEveryNode("src");
            publisher.confirmSelect();
            for (int i = 0; i < 3; i++) {
                publish(publisher, "src", MessageProperties.PERSISTENT_TEXT_PLAIN, "d" + i);
            }
            publisher.waitForConfirmsOrDie(30_000);

            List<GetResponse> dead = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                GetResponse r = ch.basicGet("dead", true);
                if (r != null) {
                    dead.add(r);
                }
                return dead.size() == 3;
            });
            assertEquals(List.of("d0", "d1", "d2"), dead.stream()
                    .map(r -> new String(r.getBody(), StandardCharsets.UTF_8)).sorted().toList());
            for (GetResponse r : dead) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> deaths = (List<Map<String, Object>>) r.getProps().getHeaders()
                        .get("x-death");
                assertEquals("expired", deaths.get(0).get("reason").toString());
                assertEquals("src", deaths.get(0).get("queue").toString());
            }
            await().atMost(WAIT).until(() -> readyEverywhere(queues, 0));
        }
    }

    @Test
    void theNewLeaderExpiresWhatTheOldOneLeft() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        QueueKey key = new QueueKey("/", "handed");
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("handed", true, false, false, Map.of("x-queue-type", "quorum", "x-message-ttl", 8_000));
            onEveryNode("handed");
            ch.confirmSelect();
            for (int i = 0; i < 5; i++) {
                publish(ch, "handed", MessageProperties.PERSISTENT_TEXT_PLAIN, "h" + i);
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        await().atMost(WAIT).until(() -> leaderOf(key) >= 0);
        int leader = leaderOf(key);
        cluster.stop(leader); // usually long before the TTL is over: the new leader's driver must expire them
        List<Integer> left = IntStream.range(0, 3).filter(i -> i != leader).boxed().toList();
        await().atMost(Duration.ofSeconds(60)).until(() -> left.stream().allMatch(i -> {
            var q = (QuorumQueue) broker(i).vhost("/").queue("handed");
            return q.localCounts() != null && q.localCounts().ready() == 0;
        }));
    }

    /** The node whose replica leads the queue's shard, or -1 while none is ready. */
    private int leaderOf(QueueKey key) {
        for (int i = 0; i < 3; i++) {
            var n = cluster.node(i);
            if (n == null) {
                continue;
            }
            for (var g : n.node().quorum().groupIds()) {
                try {
                    var d = n.node().quorum().server().getDivision(g);
                    if (d.getStateMachine() instanceof ShardStateMachine sm && sm.leaderReady()
                            && sm.readState(s -> s.queueKeys().contains(key))) {
                        return i;
                    }
                } catch (IOException e) {
                    // closing
                }
            }
        }
        return -1;
    }

    @Test
    void anUnusedQuorumQueueIsDeletedOnEveryNode() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        try (Connection b = connect(broker(1)); Channel ch = b.createChannel()) {
            // long enough that the declaration's answer never races the deletion
            ch.queueDeclare("brief", true, false, false, Map.of("x-queue-type", "quorum", "x-expires", 3_000));
        }
        QueueKey key = new QueueKey("/", "brief");
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue("brief") == null));
        // gone from the shard on every replica (its detach was applied), not only from the definitions
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> cluster.node(i).node().quorum()
                .groupIds().stream().noneMatch(g -> holds(i, g, key))));
        try (Connection a = connect(broker(0))) {
            Channel ch = a.createChannel(); // closed by the refusal
            IOException e = assertThrows(IOException.class, () -> ch.queueDeclarePassive("brief"));
            assertTrue(String.valueOf(e.getCause()).contains("NOT_FOUND"), String.valueOf(e.getCause()));
        }
    }

    @Test
    void aPolicyThatSetsExpiresDeletesAnIdleQueueWithMessages() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        try (Connection b = connect(broker(1)); Channel ch = b.createChannel()) {
            ch.queueDeclare("abandoned", true, false, false, Map.of("x-queue-type", "quorum"));
            onEveryNode("abandoned");
            ch.confirmSelect();
            publish(ch, "abandoned", MessageProperties.PERSISTENT_TEXT_PLAIN, "left behind"); // publishing is no use
            ch.waitForConfirmsOrDie(30_000);
        }
        broker(2).vhost("/").setPolicy(Policy.of("/", "sweep", "^abandoned$", "queues", Map.of("expires", 300), 0));
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue("abandoned") == null));
    }

    private boolean holds(int node, org.apache.ratis.protocol.RaftGroupId group, QueueKey key) {
        try {
            var d = cluster.node(node).node().quorum().server().getDivision(group);
            return d.getStateMachine() instanceof ShardStateMachine sm
                    && sm.readState(s -> s.queueKeys().contains(key));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aQueueWithAConsumerIsNotExpired() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        try (Connection a = connect(broker(0)); Channel admin = a.createChannel();
             Connection b = connect(broker(1)); Channel consumer = b.createChannel()) {
            // no x-expires yet, so nothing races the consumer's arrival; a policy then sets 500 ms
            admin.queueDeclare("watched", true, false, false, Map.of("x-queue-type", "quorum"));
            List<QuorumQueue> queues = onEveryNode("watched");
            String tag = consumer.basicConsume("watched", true, new DefaultConsumer(consumer));
            await().atMost(WAIT).until(() -> queues.stream().allMatch(q -> q.localCounts() != null
                    && q.localCounts().consumers() == 1));
            broker(0).vhost("/").setPolicy(Policy.of("/", "short-lived", "^watched$", "queues",
                    Map.of("expires", 500), 0));
            await().atMost(WAIT).until(() -> queues.stream().allMatch(q -> q.policyName() != null));

            // the consumer (on another node than the one that declared it) is there for several times x-expires
            Thread.sleep(2_500);
            assertTrue(IntStream.range(0, 3).allMatch(i -> broker(i).vhost("/").queue("watched") != null));
            assertEquals(1, queues.get(0).localCounts().consumers());

            consumer.basicCancel(tag); // unused from now on
            await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                    .allMatch(i -> broker(i).vhost("/").queue("watched") == null));
        }
    }
}
