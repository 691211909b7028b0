package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import io.warren.cluster.remote.RemoteQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing through a node whose queue's home is away, as RabbitMQ treats a queue on a node that is down. */
class PublishAcrossNodesTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * RabbitMQ (3.8 and later, rabbitmq-server#1831) decides mandatory from the routing result alone: a message
     * routed to a queue is not returned, even when that queue's node is down. A confirming publisher hears a nack.
     */
    @Test
    void aMandatoryPublishRoutedToAQueueWhoseHomeIsDownIsNotReturnedButNacked() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("away", true, false, false, null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().vhost("/").queue("away")
                instanceof RemoteQueue);
        cluster.stop(0);
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            List<String> returned = new CopyOnWriteArrayList<>();
            ch.addReturnListener(r -> returned.add(r.getReplyText()));
            ch.confirmSelect();
            ch.basicPublish("", "away", true, MessageProperties.PERSISTENT_BASIC,
                    "to-nowhere".getBytes(StandardCharsets.UTF_8));
            assertFalse(ch.waitForConfirms(30_000), "no node has it: nacked");
            // an unroutable one on the same channel is returned, and comes back after the first's outcome
            ch.basicPublish("", "no-such-queue", true, MessageProperties.PERSISTENT_BASIC,
                    "unroutable".getBytes(StandardCharsets.UTF_8));
            assertTrue(ch.waitForConfirms(30_000));
            await().atMost(Duration.ofSeconds(30)).until(() -> !returned.isEmpty());
            assertEquals(List.of("NO_ROUTE"), returned);
        }
    }
}
