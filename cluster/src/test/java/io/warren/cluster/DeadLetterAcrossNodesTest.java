package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.queue.AmqpQueue;
import io.warren.cluster.remote.RemoteQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queue homed on node a dead-letters to a queue homed on node b: the message crosses the link to b. */
class DeadLetterAcrossNodesTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void expiredAndRejectedMessagesLandOnTheDeadLetterQueuesHome() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            ch.queueDeclare("graveyard", true, false, false, null); // homed on b
            ch.exchangeDeclare("dlx", "fanout", true);
            ch.queueBind("graveyard", "dlx", "");
        }
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("short", true, false, false, Map.of("x-message-ttl", 200,
                    "x-dead-letter-exchange", "dlx"));
            ch.queueDeclare("picky", true, false, false, Map.of("x-dead-letter-exchange", "dlx"));
        }
        for (String q : List.of("short", "picky")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(2).broker().vhost("/").queue(q)
                    instanceof RemoteQueue);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(0).broker().vhost("/").queue("graveyard")
                instanceof RemoteQueue && cluster.node(0).broker().vhost("/").bindings().stream()
                .anyMatch(x -> x.source().equals("dlx")));
        try (Connection c = connect(cluster.node(2).broker()); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", "short", MessageProperties.PERSISTENT_BASIC, bytes("expired"));
            ch.basicPublish("", "picky", MessageProperties.PERSISTENT_BASIC, bytes("rejected"));
            ch.waitForConfirmsOrDie(30_000);
            AmqpQueue graveyard = cluster.node(1).broker().vhost("/").queue("graveyard");
            await().atMost(Duration.ofSeconds(30)).until(() -> graveyard.readyCountSnapshot() == 1);
            // rejected by a consumer on the third node: dead-lettered on picky's home (a), delivered to b
            GetResponse r = ch.basicGet("picky", false);
            ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
            await().atMost(Duration.ofSeconds(30)).until(() -> graveyard.readyCountSnapshot() == 2);
            GetResponse first = ch.basicGet("graveyard", true);
            assertNotNull(first);
            assertEquals("expired", new String(first.getBody(), StandardCharsets.UTF_8));
            assertEquals("expired", death(first).get("reason").toString());
            assertEquals("short", death(first).get("queue").toString());
            GetResponse second = ch.basicGet("graveyard", true);
            assertEquals("rejected", new String(second.getBody(), StandardCharsets.UTF_8));
            assertEquals("rejected", death(second).get("reason").toString());
            assertEquals("picky", death(second).get("queue").toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> death(GetResponse r) {
        return ((List<Map<String, Object>>) r.getProps().getHeaders().get("x-death")).get(0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
