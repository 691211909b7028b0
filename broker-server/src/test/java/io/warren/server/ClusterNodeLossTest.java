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
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node of three killed with SIGKILL: its exclusive and transient queues go on the others, its durable queue is
 * unavailable there (RabbitMQ's 404), and once it is restarted the durable queue's confirmed messages are consumed
 * through another node.
 */
class ClusterNodeLossTest {
    private static final Pattern MANAGEMENT = Pattern.compile("listening on http://[^:]+:(\\d+)/");
    @TempDir
    Path dir;
    private final BrokerProcess[] nodes = new BrokerProcess[3];
    private final int[] clusterPorts = new int[3];
    private final int[] httpPorts = new int[3];

    @AfterEach
    void stop() throws Exception {
        for (BrokerProcess p : nodes) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** A free port whose next one is free too: a node's message link listens on its cluster port + 1. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0); ServerSocket next = new ServerSocket(s.getLocalPort() + 1)) {
                return s.getLocalPort();
            } catch (IOException | IllegalArgumentException e) {
                // the next port is taken: try another pair
            }
        }
        throw new IOException("no two free ports in a row after 100 attempts");
    }

    private static String name(int i) {
        return "warren@node" + (char) ('a' + i);
    }

    private void start(int i) throws Exception {
        List<String> m = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            m.add(name(n) + "@127.0.0.1:" + clusterPorts[n]);
        }
        nodes[i] = BrokerProcess.start(dir.resolve("node" + i + ".log"), "--amqp-port", "0", "--bind", "127.0.0.1",
                "--http-port", "0", "--data-dir", dir.resolve("data" + i).toString(),
                "--node-name", name(i), "--cluster-nodes", String.join(",", m));
        assertTrue(nodes[i].port() > 0, nodes[i].log());
        Matcher found = MANAGEMENT.matcher(nodes[i].awaitLog("Warren management"));
        assertTrue(found.find(), nodes[i].log());
        httpPorts[i] = Integer.parseInt(found.group(1));
    }

    private int status(int node, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[node] + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8))).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aKilledNodesTransientQueuesGoAndItsDurableQueueComesBackWithItsMessages() throws Exception {
        for (int i = 0; i < 3; i++) {
            clusterPorts[i] = freePortPair();
        }
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Connection c = nodes[0].connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("kept", true, false, false, null);
                return true;
            }
        });
        int count = 100;
        try (Connection c = nodes[0].connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < count; i++) {
                ch.basicPublish("", "kept", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        // the owner's connection dies with its node
        Connection owner = nodes[0].connect();
        Channel ch = owner.createChannel();
        ch.queueDeclare("mine", false, true, false, null);
        ch.queueDeclare("temp", false, false, false, null);
        for (int i = 1; i <= 2; i++) {
            int node = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> status(node, "/api/queues/%2F/mine") == 200
                    && status(node, "/api/queues/%2F/temp") == 200 && status(node, "/api/queues/%2F/kept") == 200);
        }

        nodes[0].kill();
        for (int i = 1; i <= 2; i++) {
            int node = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> status(node, "/api/queues/%2F/mine") == 404
                    && status(node, "/api/queues/%2F/temp") == 404);
        }
        try (Connection b = nodes[1].connect()) {
            IOException e = assertThrows(IOException.class, () -> b.createChannel().queueDeclarePassive("kept"));
            String why = e.getCause().getMessage();
            assertTrue(why.contains("NOT_FOUND - home node 'warren@nodea' of durable queue 'kept' in vhost '/' is "
                    + "down or inaccessible"), why);
        }

        start(0);
        try (Connection c = nodes[2].connect()) {
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
