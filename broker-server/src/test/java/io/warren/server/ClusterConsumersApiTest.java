package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes in this JVM, each with its management API: a queue's consumer_details and /api/consumers
 * list the consumers of every node, whichever node is asked, as RabbitMQ's do.
 */
class ClusterConsumersApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String[] NAMES = {"nodea", "nodeb", "nodec"};
    private static final String QUEUE = "/api/queues/%2F/q";

    @TempDir
    Path dir;
    private ManagedCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Channel channel(int node) throws Exception {
        return cluster.channel(node, "client-of-" + NAMES[node]);
    }

    /** The consumers in a listing by tag. */
    private static Map<String, JsonNode> byTag(JsonNode consumers) {
        Map<String, JsonNode> out = new HashMap<>();
        consumers.forEach(c -> out.put(c.path("consumer_tag").asText(), c));
        return out;
    }

    private Map<String, JsonNode> queueConsumers(int node) throws Exception {
        return byTag(cluster.json(node, QUEUE).path("consumer_details"));
    }

    /** RabbitMQ's own rabbitmqadmin (when on the PATH) lists both consumers through a node that is not the home. */
    private void rabbitmqadminOnNodeCListsBoth() throws Exception {
        Optional<Path> tool = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(d -> Path.of(d, "rabbitmqadmin")).filter(Files::isRegularFile).findFirst();
        if (tool.isEmpty()) {
            return; // not installed here: the HTTP checks above cover the listing
        }
        Process p = new ProcessBuilder("python3", tool.get().toString(), "-H", "127.0.0.1", "-P",
                String.valueOf(cluster.httpPort(2)), "-u", "guest", "-p", "guest", "-f", "tsv", "list", "consumers",
                "queue.name", "consumer_tag", "channel_details.node").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("q\ton-b\tnodeb") && out.contains("q\ton-c\tnodec"), out);
    }

    @Test
    void everyNodeListsTheConsumersOfEveryNodeWithTheirNodeAndAStoppedNodesGo() throws Exception {
        cluster = new ManagedCluster(dir).start();
        channel(0).queueDeclare("q", true, false, false, null);
        Channel onB = channel(1);
        onB.basicQos(7);
        onB.basicConsume("q", false, "on-b", false, false, Map.of("x-priority", 5), (t, m) -> { }, t -> { });
        Channel onC = channel(2);
        onC.basicConsume("q", true, "on-c", (t, m) -> { }, t -> { });

        for (int n = 0; n < 3; n++) {
            int node = n;
            await().atMost(WAIT).until(() -> queueConsumers(node).keySet().equals(Set.of("on-b", "on-c"))
                    && cluster.json(node, QUEUE).path("consumers").asInt() == 2);
            Map<String, JsonNode> listed = queueConsumers(node);
            JsonNode b = listed.get("on-b");
            assertEquals("nodeb", b.path("channel_details").path("node").asText(), b.toString());
            assertTrue(b.path("channel_details").path("connection_name").asText().contains("127.0.0.1"),
                    b.toString());
            assertEquals("guest", b.path("channel_details").path("user").asText());
            assertEquals("127.0.0.1", b.path("channel_details").path("peer_host").asText());
            assertTrue(b.path("channel_details").path("peer_port").asInt() > 0, b.toString());
            assertEquals(true, b.path("ack_required").asBoolean());
            assertEquals(7, b.path("prefetch_count").asInt());
            assertEquals(5, b.path("arguments").path("x-priority").asInt(), b.toString());
            assertEquals(true, b.path("active").asBoolean());
            assertEquals("up", b.path("activity_status").asText());
            assertEquals("q", b.path("queue").path("name").asText());
            JsonNode c = listed.get("on-c");
            assertEquals("nodec", c.path("channel_details").path("node").asText(), c.toString());
            assertEquals(false, c.path("ack_required").asBoolean());
            assertEquals(false, c.path("exclusive").asBoolean());
        }
        for (String path : List.of("/api/consumers", "/api/consumers/%2F")) {
            Map<String, JsonNode> all = byTag(cluster.json(0, path));
            assertEquals(Set.of("on-b", "on-c"), all.keySet(), path);
            assertEquals("nodec", all.get("on-c").path("channel_details").path("node").asText());
        }
        rabbitmqadminOnNodeCListsBoth();
        // a consumer on the home node is listed with the others, as its own
        channel(0).basicConsume("q", true, "on-a", (t, m) -> { }, t -> { });
        await().atMost(WAIT).until(() -> byTag(cluster.json(1, "/api/consumers")).size() == 3);
        assertEquals("nodea", byTag(cluster.json(1, "/api/consumers")).get("on-a").path("channel_details").path("node")
                .asText());

        cluster.stop(2);
        for (int n = 0; n < 2; n++) {
            int node = n;
            await().atMost(WAIT).until(() -> queueConsumers(node).keySet().equals(Set.of("on-a", "on-b"))
                    && cluster.json(node, QUEUE).path("consumers").asInt() == 2
                    && byTag(cluster.json(node, "/api/consumers")).keySet().equals(Set.of("on-a", "on-b")));
        }
    }
}
