package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.Broker;
import io.warren.broker.queue.AmqpQueue;
import io.warren.cluster.remote.RemoteQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream homed on node a, published to and consumed through node b as on a itself. */
class StreamAcrossNodesTest {
    private static final String STREAM = "events";
    @TempDir
    Path dir;
    private TestCluster cluster;

    @BeforeEach
    void streamOnNodeA() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare(STREAM, true, false, false, Map.of("x-queue-type", "stream"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().vhost("/").queue(STREAM)
                instanceof RemoteQueue);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Broker node(int i) {
        return cluster.node(i).broker();
    }

    /** Publishes through node i with confirms; transient messages, which a stream stores all the same. */
    private void publish(int i, String... bodies) throws Exception {
        try (Connection c = connect(node(i)); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (String body : bodies) {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                        .headers(Map.of("x-stream-filter-value", body.startsWith("red") ? "red" : "blue")).build();
                ch.basicPublish("", STREAM, props, body.getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
    }

    /** A consumer on node i from the given offset: what it receives, as "offset:body". */
    private static final class Reader implements AutoCloseable {
        final List<String> got = Collections.synchronizedList(new ArrayList<>());
        final Connection connection;
        final Channel channel;

        Reader(Broker node, Object offset, Map<String, Object> extra, int prefetch, boolean ack) throws Exception {
            connection = connect(node);
            channel = connection.createChannel();
            channel.basicQos(prefetch);
            Map<String, Object> args = new HashMap<>(extra);
            args.put("x-stream-offset", offset);
            channel.basicConsume(STREAM, false, args, (tag, d) -> {
                Object offsetHeader = d.getProperties().getHeaders().get("x-stream-offset");
                got.add(offsetHeader + ":" + new String(d.getBody(), StandardCharsets.UTF_8));
                if (ack) {
                    channel.basicAck(d.getEnvelope().getDeliveryTag(), false);
                }
            }, tag -> { });
        }

        List<String> await(int count) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> got.size() >= count);
            return List.copyOf(got);
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }

    @Test
    void publishedThroughAnotherNodeWithConfirmsTheStreamHasEveryMessageOnceConfirmed() throws Exception {
        publish(1, "red-0", "blue-1", "red-2");
        AmqpQueue home = node(0).vhost("/").queue(STREAM);
        // a confirm through b waits for the home node's fsync, transient messages included
        assertEquals(3, home.readyCountSnapshot());
    }

    @Test
    void offsetsFirstNumericAndTimestampReadThroughAnotherNodeAsOnTheHome() throws Exception {
        publish(0, "red-0", "blue-1", "red-2", "blue-3", "red-4");
        List<String> all = List.of("0:red-0", "1:blue-1", "2:red-2", "3:blue-3", "4:red-4");
        for (Object offset : new Object[] {"first", 3, new Date(System.currentTimeMillis() - 3_600_000)}) {
            int expected = offset.equals(3) ? 2 : 5;
            try (Reader onHome = new Reader(node(0), offset, Map.of(), 10, true);
                 Reader onB = new Reader(node(1), offset, Map.of(), 10, true)) {
                List<String> home = onHome.await(expected);
                assertEquals(all.subList(5 - expected, 5), home, "on the home node from " + offset);
                assertEquals(home, onB.await(expected), "through node b from " + offset);
            }
        }
    }

    @Test
    void lastAndNextThroughAnotherNodeAsOnTheHome() throws Exception {
        publish(0, "red-0", "blue-1", "red-2");
        try (Reader lastOnHome = new Reader(node(0), "last", Map.of(), 10, true);
             Reader lastOnB = new Reader(node(1), "last", Map.of(), 10, true);
             Reader nextOnB = new Reader(node(1), "next", Map.of(), 10, true)) {
            List<String> home = lastOnHome.await(1);
            assertEquals(home, lastOnB.await(home.size()));
            publish(2, "blue-3", "red-4");
            // "next" starts after what the stream held when the consume was answered
            assertEquals(List.of("3:blue-3", "4:red-4"), nextOnB.await(2));
            assertEquals(home.size() + 2, lastOnB.await(home.size() + 2).size());
        }
    }

    @Test
    void aFilterThroughAnotherNodeOnlyLetsItsValuesThrough() throws Exception {
        publish(1, "red-0", "blue-1", "red-2", "blue-3");
        try (Reader red = new Reader(node(1), "first", Map.of("x-stream-filter", "red"), 10, true);
             Reader blue = new Reader(node(2), "first", Map.of("x-stream-filter", List.of("blue")), 10, true)) {
            assertEquals(List.of("0:red-0", "2:red-2"), red.await(2));
            assertEquals(List.of("1:blue-1", "3:blue-3"), blue.await(2));
            publish(0, "red-4");
            assertEquals(List.of("0:red-0", "2:red-2", "4:red-4"), red.await(3));
            assertEquals(2, blue.got.size());
        }
    }

    @Test
    void theConsumersPrefetchIsItsCreditThroughAnotherNodeAndAcksGiveItBack() throws Exception {
        publish(0, "red-0", "blue-1", "red-2", "blue-3", "red-4", "blue-5", "red-6");
        try (Reader r = new Reader(node(1), "first", Map.of(), 3, false)) {
            assertEquals(List.of("0:red-0", "1:blue-1", "2:red-2"), r.await(3));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> r.got.size() == 3);
            r.channel.basicAck(3, true);
            assertEquals(List.of("0:red-0", "1:blue-1", "2:red-2", "3:blue-3", "4:red-4", "5:blue-5"), r.await(6));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> r.got.size() == 6);
        }
    }

    @Test
    void aStreamsRulesApplyOnTheConsumingNode() throws Exception {
        Connection b = connect(node(1));
        try {
            Channel noPrefetch = b.createChannel();
            IOException e = assertThrows(IOException.class, () -> noPrefetch.basicConsume(STREAM, false,
                    (t, d) -> { }, t -> { }));
            assertTrue(e.getCause().getMessage().contains("PRECONDITION_FAILED - consumer prefetch count is not set "
                    + "for stream queue 'events' in vhost '/'"), e.getCause().getMessage());
            Channel get = b.createChannel();
            IOException g = assertThrows(IOException.class, () -> get.basicGet(STREAM, false));
            assertTrue(g.getCause().getMessage().contains("NOT_IMPLEMENTED - basic.get not supported by stream"),
                    g.getCause().getMessage());
            assertFalse(b.isOpen(), "540 closes the connection, as on the home node");
        } finally {
            b.abort();
        }
    }
}
