package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.RedriveResult;
import io.warren.cluster.remote.RemoteQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management API's move and re-drive, asked of a node that is not the source queue's home. */
class MoveAcrossNodesTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @BeforeEach
    void threeNodes() {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void declareOn(int node, String queue, Map<String, Object> arguments) throws Exception {
        try (Connection c = connect(cluster.node(node).broker()); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, arguments);
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(n).broker().vhost("/").queue(queue)
                    != null);
        }
    }

    private void publish(int node, String queue, int count) throws Exception {
        try (Connection c = connect(cluster.node(node).broker()); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < count; i++) {
                ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, ("m" + i).getBytes(
                        StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
    }

    private BrokerAdmin admin(int node) {
        return new BrokerAdmin(cluster.node(node).broker(), cluster.node(node).node());
    }

    /** Gets every message of the queue through the given node, in order, and checks they are m(from)..m(to-1). */
    private void assertHolds(int node, String queue, int from, int to) throws Exception {
        try (Connection c = connect(cluster.node(node).broker()); Channel ch = c.createChannel()) {
            for (int i = from; i < to; i++) {
                GetResponse r = ch.basicGet(queue, true);
                assertNotNull(r, queue + ": message " + i);
                assertEquals("m" + i, new String(r.getBody(), StandardCharsets.UTF_8));
            }
            assertNull(ch.basicGet(queue, true), queue + " holds no more");
        }
    }

    @Test
    void movingFromAQueueHomedOnAnotherNodeTakesItsMessagesInOrder() throws Exception {
        declareOn(0, "from", null); // homed on a
        declareOn(2, "to", null); // homed on c
        declareOn(1, "here", null); // homed on b, the node asked
        int count = 2_500; // more than one chunk
        publish(0, "from", count);
        BrokerAdmin b = admin(1);
        assertEquals(RemoteQueue.class, cluster.node(1).broker().vhost("/").queue("from").getClass());
        // part of them to a queue homed on b itself, the rest to one homed on the third node
        assertEquals(1_200, b.messages().move("/", "from", "here", 1_200).get(60, TimeUnit.SECONDS));
        assertEquals(count - 1_200, b.messages().move("/", "from", "to", 0).get(60, TimeUnit.SECONDS));
        assertHolds(0, "from", 0, 0);
        assertHolds(1, "here", 0, 1_200);
        assertHolds(2, "to", 1_200, count);
    }

    @Test
    void reDrivingADeadLetterQueueHomedOnAnotherNodeSendsEachMessageBackToItsQueue() throws Exception {
        declareOn(0, "parked", null); // the dead-letter queue, homed on a
        declareOn(2, "work", Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "parked"));
        publish(1, "work", 5);
        // rejected on work's home (c): dead-lettered there, through its exchanges, to parked on a
        try (Connection c = connect(cluster.node(2).broker()); Channel ch = c.createChannel()) {
            for (int i = 0; i < 5; i++) {
                ch.basicReject(ch.basicGet("work", false).getEnvelope().getDeliveryTag(), false);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(0).broker().vhost("/").queue("parked")
                .readyCountSnapshot() == 5);
        RedriveResult r = admin(1).messages().redrive("/", "parked").get(60, TimeUnit.SECONDS);
        assertEquals(5, r.moved());
        assertHolds(1, "work", 0, 5);
        assertHolds(1, "parked", 0, 0);
    }

    @Test
    void aMoveToAQueueWhoseHomeIsDownLeavesEveryMessageInTheSource() throws Exception {
        declareOn(0, "kept", null); // homed on a
        declareOn(2, "gone", null); // homed on c, which stops
        publish(0, "kept", 50);
        cluster.stop(2);
        // the target's home never has them on disk: the source lets go of none
        assertEquals(0, admin(1).messages().move("/", "kept", "gone", 0).get(60, TimeUnit.SECONDS));
        assertHolds(0, "kept", 0, 50);
    }
}
