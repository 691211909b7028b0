package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.alarm.MemoryWatermark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes in this JVM, each with its management API: every node's API shows every member and the home
 * node's figures of every queue, while each node's /metrics counts its own queues only.
 */
class ClusterNodesApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String[] NAMES = {"nodea", "nodeb", "nodec"};

    @TempDir
    Path dir;
    private ManagedCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private JsonNode nodeIn(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + list);
    }

    private Connection connect(int node) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(cluster.node(node).broker().port());
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection();
    }

    /** The value of an unlabelled series in a /metrics answer. */
    private double metric(int node, String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(cluster.get(node, "/metrics").body());
        assertTrue(m.find(), "no " + name + " in /metrics of " + NAMES[node]);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void everyNodeListsEveryMemberWithItsMemoryAndDiskAndAStoppedOneAsNotRunningWithItsQueuesDown() throws Exception {
        cluster = new ManagedCluster(dir).start();
        await().atMost(WAIT).until(() -> {
            JsonNode list = cluster.json(1, "/api/nodes");
            return list.size() == 3 && List.of(NAMES).stream().allMatch(n -> nodeIn(list, n).path("running")
                    .asBoolean() && nodeIn(list, n).path("mem_used").asLong() > 0);
        });
        JsonNode list = cluster.json(1, "/api/nodes");
        assertEquals("nodeb", list.get(0).path("name").asText(), "the answering node comes first");
        for (String n : NAMES) {
            JsonNode node = nodeIn(list, n);
            assertEquals("disc", node.path("type").asText());
            assertTrue(node.path("mem_limit").asLong() > 0, node.toString());
            assertTrue(node.path("disk_free").asLong() > 0, node.toString());
            assertTrue(node.path("disk_free_limit").asLong() > 0, node.toString());
            assertEquals(false, node.path("mem_alarm").asBoolean(true));
            assertEquals(false, node.path("disk_free_alarm").asBoolean(true));
            assertTrue(node.path("uptime").asLong() > 0, node.toString());
            assertTrue(node.path("listeners").size() >= 2, "amqp and http: " + node.path("listeners"));
        }
        JsonNode a = cluster.json(2, "/api/nodes/nodea");
        assertEquals("nodea", a.path("name").asText());
        assertEquals(cluster.node(0).broker().port(), a.path("listeners").get(0).path("port").asInt(), a.toString());
        assertEquals(404, cluster.get(2, "/api/nodes/nodez").status());
        // the overview of any node lists every node's listeners
        JsonNode overview = cluster.json(0, "/api/overview");
        List<String> listening = new ArrayList<>();
        overview.path("listeners").forEach(l -> listening.add(l.path("node").asText()));
        assertTrue(listening.containsAll(List.of(NAMES)), listening.toString());
        assertEquals(3.0, metric(0, "warren_cluster_nodes_running"));

        // an alarm on node a shows on every node, and fails the cluster-wide health check there
        cluster.node(0).broker().alarms().setMemoryHighWatermark(MemoryWatermark.relative(0));
        await().atMost(WAIT).until(() -> cluster.get(2, "/api/health/checks/alarms").status() == 503);
        JsonNode failed = cluster.get(2, "/api/health/checks/alarms").json();
        assertEquals("nodea", failed.path("alarms").get(0).path("node").asText(), failed.toString());
        assertEquals("memory", failed.path("alarms").get(0).path("resource").asText());
        assertEquals(200, cluster.get(2, "/api/health/checks/local-alarms").status());
        assertTrue(cluster.json(2, "/api/nodes/nodea").path("mem_alarm").asBoolean());
        assertEquals("nodea", cluster.json(1, "/api/overview").path("alarms").get(0).path("node").asText());
        cluster.node(0).broker().alarms().setMemoryHighWatermark(MemoryWatermark.relative(1.0));
        await().atMost(WAIT).until(() -> cluster.get(2, "/api/health/checks/alarms").status() == 200);

        try (Connection c = connect(2); Channel ch = c.createChannel()) {
            ch.queueDeclare("on-c", true, false, false, null);
        }
        String onC = "/api/queues/%2F/on-c";
        await().atMost(WAIT).until(() -> cluster.get(1, onC).status() == 200);
        assertEquals("running", cluster.json(1, onC).path("state").asText());

        cluster.stop(2);
        await().atMost(WAIT).until(() -> !cluster.json(1, "/api/nodes/nodec").path("running").asBoolean(true));
        assertEquals("down", cluster.json(1, onC).path("state").asText(),
                "as RabbitMQ shows a queue whose node is down");
        assertEquals("nodec", cluster.json(1, onC).path("node").asText());
        assertEquals(false, nodeIn(cluster.json(0, "/api/nodes"), "nodec").path("running").asBoolean(true));
        await().atMost(WAIT).until(() -> metric(0, "warren_cluster_nodes_running") == 2.0);
    }

    @Test
    void aQueueHomedOnOneNodeShowsItsRealCountsOnEveryNodeWhileMetricsStayPerNode() throws Exception {
        cluster = new ManagedCluster(dir).start();
        try (Connection c = connect(0); Channel ch = c.createChannel()) {
            ch.queueDeclare("orders", true, false, false, null);
        }
        try (Connection c = connect(2); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < 7; i++) {
                ch.basicPublish("", "orders", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("o" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        String path = "/api/queues/%2F/orders";
        await().atMost(WAIT).until(() -> cluster.json(2, path).path("messages_ready").asInt() == 7);
        JsonNode onC = cluster.json(2, path);
        assertEquals("nodea", onC.path("node").asText());
        assertEquals(7, onC.path("messages").asInt());
        assertEquals(7, onC.path("message_stats").path("publish").asInt(), onC.toString());
        JsonNode listed = null;
        for (JsonNode q : cluster.json(2, "/api/queues")) {
            if (q.path("name").asText().equals("orders")) {
                listed = q;
            }
        }
        assertEquals(7, listed.path("messages_ready").asInt(), String.valueOf(listed));
        // the overview of a node that is not the home counts them too
        await().atMost(WAIT).until(() -> cluster.json(1, "/api/overview").path("queue_totals").path("messages_ready")
                .asInt() == 7);
        assertEquals(1, cluster.json(1, "/api/overview").path("object_totals").path("queues").asInt());
        // and the messages published through node c, in its message_stats
        await().atMost(WAIT).until(() -> cluster.json(1, "/api/overview").path("message_stats").path("publish")
                .asInt() == 7);
        assertEquals(7, cluster.json(1, "/api/overview").path("message_stats").path("confirm").asInt());
        // a consumer on node b counts on every node
        try (Connection c = connect(1); Channel ch = c.createChannel()) {
            ch.basicConsume("orders", false, (tag, m) -> { }, tag -> { });
            await().atMost(WAIT).until(() -> cluster.json(2, path).path("consumers").asInt() == 1
                    && cluster.json(2, path).path("messages_unacknowledged").asInt() == 7);
        }
        // /metrics stays per node: the home exports the queue, the others do not count it
        await().atMost(WAIT).until(() -> metric(0, "warren_queue_messages_ready") == 7.0);
        assertEquals(0.0, metric(2, "warren_queue_messages_ready"));
        assertEquals(0.0, metric(2, "warren_queues"));
        assertEquals(1.0, metric(0, "warren_queues"));
    }
}
