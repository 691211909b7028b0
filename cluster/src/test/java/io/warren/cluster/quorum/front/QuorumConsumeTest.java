package io.warren.cluster.quorum.front;

import static io.warren.cluster.quorum.front.QuorumPublishTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.Broker;
import io.warren.cluster.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * basic.consume from a quorum queue on a node that may not lead its shard: the shard leader's deliveries reach the
 * consumer's node (over the link, or directly on the leader's own node) and the front hands them to the channel;
 * acks, requeues and cancel go back as shard commands.
 */
class QuorumConsumeTest {
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

    private record Got(String body, boolean redelivered, Object deliveryCount, long tag) {
    }

    @Test
    void aConsumerOnAnotherNodeGetsEveryMessageInOrderAcksThemAndANackedOneComesBackCounted() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("jobs", true, false, false, Map.of("x-queue-type", "quorum"));
        }
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue("jobs") instanceof QuorumQueue));
        QuorumQueue onA = (QuorumQueue) broker(0).vhost("/").queue("jobs");

        List<Got> got = new CopyOnWriteArrayList<>();
        try (Connection b = connect(broker(1)); Channel consumer = b.createChannel();
             Connection c = connect(broker(2)); Channel publisher = c.createChannel()) {
            consumer.basicQos(50);
            String tag = consumer.basicConsume("jobs", false, new DefaultConsumer(consumer) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props,
                                           byte[] body) {
                    Object count = props.getHeaders() == null ? null : props.getHeaders().get("x-delivery-count");
                    got.add(new Got(new String(body, StandardCharsets.UTF_8), envelope.isRedeliver(), count,
                            envelope.getDeliveryTag()));
                }
            });
            await().atMost(WAIT).until(() -> onA.localCounts() != null && onA.localCounts().consumers() == 1);

            publisher.confirmSelect();
            for (int i = 0; i < 20; i++) {
                publisher.basicPublish("", "jobs", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("j" + i).getBytes(StandardCharsets.UTF_8));
            }
            publisher.waitForConfirmsOrDie(30_000);

            await().atMost(WAIT).until(() -> got.size() == 20);
            assertEquals(IntStream.range(0, 20).mapToObj(i -> "j" + i).toList(), got.stream().map(Got::body).toList());
            assertFalse(got.get(0).redelivered());
            for (int i = 1; i < 20; i++) {
                consumer.basicAck(got.get(i).tag(), false);
            }
            consumer.basicNack(got.get(0).tag(), false, true);

            await().atMost(WAIT).until(() -> got.size() == 21);
            Got again = got.get(20);
            assertEquals("j0", again.body());
            assertTrue(again.redelivered());
            assertEquals(1L, ((Number) again.deliveryCount()).longValue());
            consumer.basicAck(again.tag(), false);
            await().atMost(WAIT).until(() -> onA.localCounts().ready() == 0 && onA.localCounts().unacked() == 0);

            consumer.basicCancel(tag);
            await().atMost(WAIT).until(() -> onA.localCounts().consumers() == 0);
        }
    }

    @Test
    void whatAClosedChannelsConsumerHeldUnackedComesBackRedeliveredToTheNextConsumer() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("held", true, false, false, Map.of("x-queue-type", "quorum"));
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "held", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("h" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue("held") instanceof QuorumQueue));
        QuorumQueue onA = (QuorumQueue) broker(0).vhost("/").queue("held");
        try (Connection b = connect(broker(1))) {
            Channel first = b.createChannel();
            List<Got> got = new CopyOnWriteArrayList<>();
            first.basicConsume("held", false, new DefaultConsumer(first) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props,
                                           byte[] body) {
                    got.add(new Got(new String(body, StandardCharsets.UTF_8), envelope.isRedeliver(), null,
                            envelope.getDeliveryTag()));
                }
            });
            await().atMost(WAIT).until(() -> got.size() == 3);
            first.close(); // holding all three unacked

            await().atMost(WAIT).until(() -> onA.localCounts().ready() == 3 && onA.localCounts().unacked() == 0);
            Channel second = b.createChannel();
            List<Got> again = new CopyOnWriteArrayList<>();
            second.basicConsume("held", true, new DefaultConsumer(second) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props,
                                           byte[] body) {
                    again.add(new Got(new String(body, StandardCharsets.UTF_8), envelope.isRedeliver(), null,
                            envelope.getDeliveryTag()));
                }
            });
            await().atMost(WAIT).until(() -> again.size() == 3);
            assertEquals(List.of("h0", "h1", "h2"), again.stream().map(Got::body).toList());
            assertTrue(again.stream().allMatch(Got::redelivered), again.toString());
        }
    }

    /**
     * The leader's node consumes: a backlog of messages reaches its consumer in batches and in order; acks sent back
     * to back (many in one read) and then one multiple=true ack settle them all, and every replica lets the bodies
     * go.
     */
    @Test
    void aBacklogConsumedOnTheLeadersNodeArrivesInOrderAndAcksOfOneReadAndAMultipleAckSettleItOnEveryReplica()
            throws Exception {
        int n = 300;
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("backlog", true, false, false, Map.of("x-queue-type", "quorum"));
        }
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue("backlog") instanceof QuorumQueue));
        String leader = cluster.node(0).node().queueNode("/", "backlog");
        int leaderIndex = leader.charAt(leader.length() - 1) - 'a';
        try (Connection c = connect(broker(leaderIndex)); Channel publisher = c.createChannel()) {
            publisher.confirmSelect();
            for (int i = 0; i < n; i++) {
                publisher.basicPublish("", "backlog", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("b" + i).getBytes(StandardCharsets.UTF_8));
            }
            publisher.waitForConfirmsOrDie(30_000);
        }
        List<QuorumQueue> replicas = IntStream.range(0, 3)
                .mapToObj(i -> (QuorumQueue) broker(i).vhost("/").queue("backlog")).toList();
        await().atMost(WAIT).until(() -> replicas.stream().allMatch(q -> q.localCounts().ready() == n));

        List<Got> got = new CopyOnWriteArrayList<>();
        try (Connection c = connect(broker(leaderIndex)); Channel consumer = c.createChannel()) {
            consumer.basicQos(n);
            consumer.basicConsume("backlog", false, new DefaultConsumer(consumer) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props,
                                           byte[] body) {
                    got.add(new Got(new String(body, StandardCharsets.UTF_8), envelope.isRedeliver(), null,
                            envelope.getDeliveryTag()));
                }
            });
            await().atMost(WAIT).until(() -> got.size() == n);
            assertEquals(IntStream.range(0, n).mapToObj(i -> "b" + i).toList(),
                    got.stream().map(Got::body).toList());
            for (int i = 0; i < n / 2; i++) {
                consumer.basicAck(got.get(i).tag(), false);
            }
            await().atMost(WAIT).until(() -> replicas.stream().allMatch(q -> q.localCounts().unacked() == n - n / 2));
            consumer.basicAck(got.get(n - 1).tag(), true);

            await().atMost(WAIT).until(() -> replicas.stream().allMatch(q -> q.localCounts().ready() == 0
                    && q.localCounts().unacked() == 0));
            for (QuorumQueue q : replicas) {
                await().atMost(WAIT).until(() -> q.localReplica().bodies().storedIds(q.key()).length == 0);
            }
            assertEquals(n, got.size(), "nothing was delivered twice");
        }
    }
}
