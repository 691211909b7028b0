package io.warren.cluster.quorum.front;

import static io.warren.cluster.quorum.front.QuorumPublishTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.Broker;
import io.warren.broker.policy.Policy;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueCounts;
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
 * Policies reach a quorum queue's shard (ConfigureQueue at the policy change's definitions index), and its
 * at-least-once dead letters are published by the shard's leader and settled once their targets have them.
 */
class QuorumPolicyTest {
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

    private QuorumQueue declared(String name, Map<String, Object> args) throws Exception {
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare(name, true, false, false, args);
        }
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue(name) instanceof QuorumQueue));
        return (QuorumQueue) broker(0).vhost("/").queue(name);
    }

    private static Map<String, Object> quorum(Object... more) {
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("x-queue-type", "quorum");
        for (int i = 0; i < more.length; i += 2) {
            args.put((String) more[i], more[i + 1]);
        }
        return args;
    }

    /** The queue's config in every node's replica of its shard (null where a node has none or lacks the queue). */
    private List<QueueConfig> configs(QuorumQueue q) {
        List<QueueConfig> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ShardStateMachine r = cluster.node(i).node().quorumFront().localReplica(q.shard());
            if (r != null) {
                out.add(r.readState(s -> s.config(q.key())));
            }
        }
        return out;
    }

    private void publish(int node, String queue, String... bodies) throws Exception {
        try (Connection c = connect(broker(node)); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (String b : bodies) {
                ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, b.getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
    }

    private static String[] bodies(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toArray(String[]::new);
    }

    private static String body(GetResponse r) {
        return new String(r.getBody(), StandardCharsets.UTF_8);
    }

    private void setPolicy(int node, String name, String pattern, Map<String, Object> definition) {
        broker(node).vhost("/").setPolicy(Policy.of("/", name, pattern, "quorum_queues", definition, 0));
    }

    @Test
    void aMaxLengthPolicyDropsTheHeadOfAQuorumQueue() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        QuorumQueue q = declared("capped", quorum());
        publish(2, "capped", bodies("m", 0, 10));
        await().atMost(WAIT).until(() -> q.localCounts() != null && q.localCounts().ready() == 10);

        setPolicy(1, "cap", "^capped$", Map.of("max-length", 3));

        await().atMost(WAIT).until(() -> configs(q).size() == 3
                && configs(q).stream().allMatch(c -> c != null && c.maxLength() == 3));
        await().atMost(WAIT).until(() -> q.localCounts().ready() == 3);
        try (Connection c = connect(broker(2)); Channel ch = c.createChannel()) {
            assertEquals("m7", body(ch.basicGet("capped", true)));
        }
    }

    @Test
    void clearingThePolicyLiftsTheLimit() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        // in force before the queue exists: its attach carries the policy's limit
        setPolicy(0, "cap", "^lifted$", Map.of("max-length", 2));
        QuorumQueue q = declared("lifted", quorum());
        await().atMost(WAIT).until(() -> configs(q).size() == 3
                && configs(q).stream().allMatch(c -> c != null && c.maxLength() == 2));
        publish(1, "lifted", bodies("a", 0, 5));
        await().atMost(WAIT).until(() -> q.localCounts().ready() == 2);

        assertEquals(true, broker(2).vhost("/").clearPolicy("cap"));
        await().atMost(WAIT).until(() -> configs(q).stream().allMatch(c -> c != null && c.maxLength() == -1));
        publish(1, "lifted", bodies("b", 0, 5));
        await().atMost(WAIT).until(() -> q.localCounts().ready() == 7);
    }

    @Test
    void aRejectPublishPolicyNacksWhatDoesNotFit() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        QuorumQueue q = declared("full", quorum("x-max-length", 10));
        // the lower limit and the policy's overflow win over the queue's own
        setPolicy(0, "full", "^full$", Map.of("max-length", 2, "overflow", "reject-publish"));
        await().atMost(WAIT).until(() -> configs(q).stream().allMatch(c -> c != null && c.maxLength() == 2
                && c.overflow() == QueueConfig.Overflow.REJECT_PUBLISH));
        try (Connection c = connect(broker(1)); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < 4; i++) {
                ch.basicPublish("", "full", MessageProperties.PERSISTENT_TEXT_PLAIN, ("f" + i).getBytes());
            }
            assertEquals(false, ch.waitForConfirms(30_000)); // some were nacked
            await().atMost(WAIT).until(() -> q.localCounts().ready() == 2);
            assertEquals("f0", body(ch.basicGet("full", true)));
            assertEquals("f1", body(ch.basicGet("full", true)));
            assertNull(ch.basicGet("full", true));
        }
    }

    @Test
    void aDeliveryLimitPolicyDeadLettersAPoisonMessage() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("poison.dead", true, false, false, null);
        }
        QuorumQueue q = declared("poison", quorum("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", "poison.dead"));
        setPolicy(2, "limit", "^poison$", Map.of("delivery-limit", 1));
        await().atMost(WAIT).until(() -> configs(q).stream().allMatch(c -> c != null && c.deliveryLimit() == 1));
        publish(0, "poison", "bad");

        try (Connection c = connect(broker(1)); Channel ch = c.createChannel()) {
            for (int i = 0; i < 2; i++) {
                GetResponse r = await().atMost(WAIT).until(() -> ch.basicGet("poison", false), x -> x != null);
                ch.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
            }
            GetResponse dead = await().atMost(WAIT).until(() -> ch.basicGet("poison.dead", true), x -> x != null);
            assertEquals("bad", body(dead));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> deaths = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
            assertEquals("delivery_limit", deaths.get(0).get("reason").toString());
            assertEquals("poison", deaths.get(0).get("queue").toString());
            await().atMost(WAIT).until(() -> q.localCounts().ready() == 0 && q.localCounts().unacked() == 0);
            assertNull(ch.basicGet("poison", true));
        }
    }

    @Test
    void atLeastOnceDeadLettersReachTheTargetAndLeaveTheSource() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.exchangeDeclare("dlx", "direct", true);
            ch.queueDeclare("dst", true, false, false, Map.of("x-queue-type", "quorum"));
            ch.queueBind("dst", "dlx", "src");
            ch.queueDeclare("dst.classic", true, false, false, null);
            ch.queueBind("dst.classic", "dlx", "src");
        }
        QuorumQueue src = declared("src", quorum("x-dead-letter-exchange", "dlx",
                "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish"));
        QuorumQueue dst = (QuorumQueue) broker(0).vhost("/").queue("dst");
        await().atMost(WAIT).until(() -> configs(src).stream().allMatch(c -> c != null
                && c.deadLettersAtLeastOnce()));
        publish(1, "src", bodies("d", 0, 5));

        try (Connection c = connect(broker(2)); Channel ch = c.createChannel()) {
            for (int i = 0; i < 5; i++) {
                GetResponse r = await().atMost(WAIT).until(() -> ch.basicGet("src", false), x -> x != null);
                ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
            }
            await().atMost(WAIT).until(() -> dst.localCounts() != null && dst.localCounts().ready() == 5);
            await().atMost(WAIT).until(() -> broker(0).vhost("/").queue("dst.classic").readyCount() == 5);
            await().atMost(WAIT).until(() -> {
                QueueCounts s = src.localCounts();
                return s.ready() == 0 && s.unacked() == 0 && s.deadLetterPending() == 0;
            });
            GetResponse first = ch.basicGet("dst", true);
            assertEquals("d0", body(first));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> deaths = (List<Map<String, Object>>) first.getProps().getHeaders()
                    .get("x-death");
            assertEquals("rejected", deaths.get(0).get("reason").toString());
            assertEquals("src", deaths.get(0).get("queue").toString());
            assertEquals("src", first.getProps().getHeaders().get("x-first-death-queue").toString());
        }
    }

    @Test
    void atLeastOnceDeadLettersWaitForAMissingRouteAndGoOnceItExists() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.exchangeDeclare("later", "fanout", true);
        }
        QuorumQueue src = declared("orphans", quorum());
        // the dead-letter settings come from a policy
        setPolicy(1, "dlx", "^orphans$", Map.of("dead-letter-exchange", "later",
                "dead-letter-strategy", "at-least-once", "overflow", "reject-publish"));
        await().atMost(WAIT).until(() -> configs(src).stream().allMatch(c -> c != null
                && c.deadLettersAtLeastOnce()));
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> "later".equals(String.valueOf(
                broker(i).vhost("/").queue("orphans").effectiveArguments().get("x-dead-letter-exchange")))));
        publish(2, "orphans", bodies("o", 0, 3));

        try (Connection c = connect(broker(0)); Channel ch = c.createChannel()) {
            for (int i = 0; i < 3; i++) {
                GetResponse r = await().atMost(WAIT).until(() -> ch.basicGet("orphans", false), x -> x != null);
                ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
            }
            // routed nowhere: owed, counted against the length, nothing ready
            await().atMost(WAIT).until(() -> src.localCounts().deadLetterPending() == 3
                    && src.localCounts().ready() == 0 && src.localCounts().unacked() == 0);
            assertNull(ch.basicGet("orphans", true));

            ch.queueDeclare("found", true, false, false, null);
            ch.queueBind("found", "later", "");
            await().atMost(WAIT).until(() -> src.localCounts().deadLetterPending() == 0);
            await().atMost(WAIT).until(() -> broker(0).vhost("/").queue("found").readyCount() >= 3);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                GetResponse r = ch.basicGet("found", true);
                assertNotNull(r, "dead letter " + i + " in 'found'");
                got.add(body(r));
            }
            assertEquals(List.of("o0", "o1", "o2"), got.stream().sorted().toList());
        }
    }

    @Test
    void aNewLeaderPublishesTheDeadLettersStillOwed() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.exchangeDeclare("afterwards", "fanout", true);
        }
        QuorumQueue src = declared("owing", quorum("x-dead-letter-exchange", "afterwards",
                "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish"));
        publish(0, "owing", bodies("w", 0, 4));
        try (Connection c = connect(broker(0)); Channel ch = c.createChannel()) {
            for (int i = 0; i < 4; i++) {
                GetResponse r = await().atMost(WAIT).until(() -> ch.basicGet("owing", false), x -> x != null);
                ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
            }
        }
        await().atMost(WAIT).until(() -> src.localCounts().deadLetterPending() == 4);

        // the leader that owes them goes; the route appears once another leads
        int leader = await().atMost(WAIT).until(() -> leaderOf(src), i -> i >= 0);
        cluster.stop(leader);
        int other = (leader + 1) % 3;
        QuorumQueue onOther = (QuorumQueue) broker(other).vhost("/").queue("owing");
        await().atMost(WAIT).until(() -> leaderOf(onOther) >= 0);
        try (Connection c = connect(broker(other)); Channel ch = c.createChannel()) {
            ch.queueDeclare("late", true, false, false, null);
            ch.queueBind("late", "afterwards", "");
        }
        await().atMost(WAIT).until(() -> onOther.localCounts().deadLetterPending() == 0);
        await().atMost(WAIT).until(() -> broker(other).vhost("/").queue("late").readyCount() >= 4);
    }

    // the node whose replica of the queue's shard leads (and is ready), or -1
    private int leaderOf(QuorumQueue q) {
        for (int i = 0; i < 3; i++) {
            if (cluster.node(i) == null) {
                continue;
            }
            ShardStateMachine r = cluster.node(i).node().quorumFront().localReplica(q.shard());
            if (r != null && r.leaderReady()) {
                return i;
            }
        }
        return -1;
    }
}
