package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.TopologyAdmin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A definition change waiting for the cluster holds only its own channel: other clients on the node (and on its
 * event loops) go on publishing and consuming, and the waiting channel keeps the order of its methods.
 */
class DefinitionChangeOffLoopTest {
    @TempDir
    Path dir;
    private TestCluster cluster;
    private final List<Connection> connections = new ArrayList<>();

    @AfterEach
    void stop() {
        connections.forEach(Connection::abort);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aDeclareWaitingForAMajorityDoesNotStopOtherClientsOnTheNode() throws Exception {
        // long enough that the other clients' round trips happen well within the wait, even on a busy machine
        cluster = new TestCluster(dir, 3).commitTimeout(Duration.ofSeconds(20)).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (Connection setup = connect(cluster.node(0).broker()); Channel ch = setup.createChannel()) {
            ch.queueDeclare("work", true, false, false, null);
        }
        cluster.stop(1);
        cluster.stop(2);

        Connection declaring = open();
        // connections go round the node's event loops in turn: twice as many as there are loops share each one,
        // the declaring connection's among them
        List<Channel> others = new ArrayList<>();
        for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
            others.add(open().createChannel());
        }
        Channel declaringChannel = declaring.createChannel();
        CompletableFuture<Void> declare = CompletableFuture.runAsync(() -> {
            try {
                declaringChannel.queueDeclare("without-majority", true, false, false, null);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(DefinitionChangeOffLoopTest::aChangeWaitsForTheCluster);

        for (int i = 0; i < others.size(); i++) {
            byte[] body = ("from client " + i).getBytes(StandardCharsets.UTF_8);
            others.get(i).basicPublish("", "work", null, body);
            GetResponse got = awaitGet(others.get(i), "work");
            assertArrayEquals(body, got.getBody());
            // reads of the definitions answer too
            others.get(i).queueDeclarePassive("work");
            others.get(i).exchangeDeclarePassive("amq.direct");
        }
        assertFalse(declare.isDone(), "the other clients were served only once the declare had given up");

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> declare.get(60, TimeUnit.SECONDS));
        String reason = closeReason(e);
        assertTrue(reason.contains("541") && reason.contains("cluster has no majority: 1 of 3 nodes reachable"),
                reason);
        // and the node still serves: a new client consumes what an old one publishes
        others.get(0).basicPublish("", "work", null, "after".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("after".getBytes(StandardCharsets.UTF_8), awaitGet(open().createChannel(), "work")
                .getBody());
    }

    @Test
    void methodsAfterADeclareOnTheSameChannelSeeIt() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        Channel ch = open().createChannel();
        // no-wait: the publishes reach the broker while the declares before them still wait for their commits
        ch.queueDeclareNoWait("ordered", true, false, false, null);
        ch.basicPublish("", "ordered", null, bytes("direct"));
        ch.exchangeDeclareNoWait("ordered-x", "fanout", true, false, false, null);
        ch.queueBindNoWait("ordered", "ordered-x", "", null);
        ch.basicPublish("ordered-x", "", null, bytes("through the exchange"));
        ch.queueDeclareNoWait("renewed", true, false, false, null);
        ch.basicPublish("", "renewed", null, bytes("deleted with its queue"));
        ch.queueDeleteNoWait("renewed", false, false);
        ch.queueDeclareNoWait("renewed", true, false, false, null);
        ch.basicPublish("", "renewed", null, bytes("after the delete"));
        // a round trip on the same channel answers after everything before it; only then may another channel look
        ch.queueDeclarePassive("renewed");

        Channel reader = open().createChannel();
        assertEquals(List.of("direct", "through the exchange"), drain(reader, "ordered", 2));
        assertEquals(List.of("after the delete"), drain(reader, "renewed", 1));
        assertNotNull(cluster.node(1).broker().vhost("/").exchange("ordered-x"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** At least the expected number of messages, then whatever else the queue holds. */
    private static List<String> drain(Channel ch, String queue, int expected) {
        List<String> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            GetResponse r = ch.basicGet(queue, true);
            if (r != null) {
                got.add(new String(r.getBody(), StandardCharsets.UTF_8));
            }
            return r == null && got.size() >= expected;
        });
        return got;
    }

    @Test
    void aChangeRefusedAfterItsWaitClosesTheChannelNamingTheMethod() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        Channel ch = open().createChannel();
        ch.queueDeclare("durable", true, false, false, null);
        IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("durable", false, false, false,
                null));
        String reason = closeReason(e);
        assertTrue(reason.contains("406") && reason.contains("class-id=50") && reason.contains("method-id=10"),
                reason);
        // the connection goes on: another of its channels declares
        assertEquals("after", ch.getConnection().createChannel().queueDeclare("after", true, false, false, null).getQueue());
    }

    @Test
    void aQueueDeletedThroughTheAdminApiGoesFromEveryNodeAndIsRefusedWithoutAMajority() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        Channel ch = open().createChannel();
        ch.queueDeclare("doomed", true, false, false, null);
        ch.queueDeclare("kept", true, false, false, null);
        ch.basicPublish("", "doomed", null, bytes("dropped"));
        TopologyAdmin admin = new BrokerAdmin(cluster.node(0).broker()).topology();

        assertEquals(1, admin.deleteQueue("/", "doomed", false, false).get(30, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(2).broker().vhost("/").queue("doomed")
                == null);

        cluster.stop(1);
        cluster.stop(2);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> admin.deleteQueue("/", "kept", false, false).get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("cluster has no majority"), e.getCause().toString());
        assertNotNull(cluster.node(0).broker().vhost("/").queue("kept"));
    }

    @Test
    void anAutoDeleteQueueLeftByItsLastConsumerGoesFromEveryNode() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        Channel ch = open().createChannel();
        ch.queueDeclare("passing", true, false, true, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(2).broker().vhost("/").queue("passing")
                != null);
        String tag = ch.basicConsume("passing", true, (t, m) -> { }, t -> { });
        ch.basicCancel(tag);
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(0).broker().vhost("/").queue("passing")
                == null && cluster.node(2).broker().vhost("/").queue("passing") == null);
    }

    private Connection open() throws Exception {
        Connection c = connect(cluster.node(0).broker());
        connections.add(c);
        return c;
    }

    /** Some thread (wherever the broker runs the change) is in the cluster's commit of a definition change. */
    private static boolean aChangeWaitsForTheCluster() {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> Arrays.stream(stack)
                .anyMatch(f -> f.getClassName().equals("io.warren.cluster.raft.RaftDefinitionWriter")));
    }

    private static GetResponse awaitGet(Channel ch, String queue) {
        AtomicReference<GetResponse> got = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            got.set(ch.basicGet(queue, true));
            return got.get() != null;
        });
        return got.get();
    }

    private static String closeReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s) {
                return s.getReason().toString();
            }
        }
        return String.valueOf(e);
    }
}
