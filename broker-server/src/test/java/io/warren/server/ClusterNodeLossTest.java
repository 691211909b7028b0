package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.server.faults.ClusterProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node of three killed with SIGKILL: its exclusive and transient queues go on the others, its durable queue is
 * unavailable there (RabbitMQ's 404), and once it is restarted the durable queue's confirmed messages are consumed
 * through another node.
 */
class ClusterNodeLossTest {
    @TempDir
    Path dir;
    private ClusterProcesses cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private int status(int node, String path) throws Exception {
        return cluster.status(node, path);
    }

    @Test
    void aKilledNodesTransientQueuesGoAndItsDurableQueueComesBackWithItsMessages() throws Exception {
        cluster = ClusterProcesses.onLoopback(dir, 3);
        cluster.startAll();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Connection c = cluster.connect(0); Channel ch = c.createChannel()) {
                ch.queueDeclare("kept", true, false, false, null);
                return true;
            }
        });
        int count = 100;
        try (Connection c = cluster.connect(0); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < count; i++) {
                ch.basicPublish("", "kept", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        // the owner's connection dies with its node
        Connection owner = cluster.connect(0);
        Channel ch = owner.createChannel();
        ch.queueDeclare("mine", false, true, false, null);
        ch.queueDeclare("temp", false, false, false, null);
        for (int i = 1; i <= 2; i++) {
            int node = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> status(node, "/api/queues/%2F/mine") == 200
                    && status(node, "/api/queues/%2F/temp") == 200 && status(node, "/api/queues/%2F/kept") == 200);
        }

        cluster.kill(0);
        for (int i = 1; i <= 2; i++) {
            int node = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> status(node, "/api/queues/%2F/mine") == 404
                    && status(node, "/api/queues/%2F/temp") == 404);
        }
        try (Connection b = cluster.connect(1)) {
            IOException e = assertThrows(IOException.class, () -> b.createChannel().queueDeclarePassive("kept"));
            String why = e.getCause().getMessage();
            assertTrue(why.contains("NOT_FOUND - home node 'warren@nodea' of durable queue 'kept' in vhost '/' is "
                    + "down or inaccessible"), why);
        }

        cluster.start(0);
        try (Connection c = cluster.connect(2)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Channel probe = c.createChannel()) {
                    return probe.queueDeclarePassive("kept").getMessageCount() == count;
                }
            });
            Channel get = c.createChannel();
            for (int i = 0; i < count; i++) {
                GetResponse r = get.basicGet("kept", false);
                assertNotNull(r, "message " + i);
                assertEquals("m" + i, new String(r.getBody(), StandardCharsets.UTF_8));
                get.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
        }
        assertEquals(404, status(0, "/api/queues/%2F/mine"));
        assertEquals(404, status(0, "/api/queues/%2F/temp"));
    }
}
