package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ's quorum queue replica endpoints on three cluster nodes: a replica deleted and added back through the
 * API changes the queue's shard (members on every node's view), the last member is kept, bad requests are refused.
 */
class ClusterQuorumReplicasApiTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String QUEUE = "/api/queues/%2F/q";
    private static final String REPLICAS = "/api/queues/quorum/%2F/q/replicas/";

    @TempDir
    Path dir;
    private ManagedCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private void membersEverywhere(int count) {
        for (int n = 0; n < 3; n++) {
            int node = n;
            await().atMost(WAIT).until(() -> cluster.json(node, QUEUE).path("members").size() == count);
        }
    }

    @Test
    void replicasAreDeletedAndAddedBackThroughTheApiAndTheLastIsKept() throws Exception {
        cluster = new ManagedCluster(dir).start();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            cluster.channel(0, null).queueDeclare("q", true, false, false, Map.of("x-queue-type", "quorum"));
            return true;
        });
        Channel publisher = cluster.channel(1, null);
        publisher.confirmSelect();
        publisher.basicPublish("", "q", null, "one".getBytes(StandardCharsets.UTF_8));
        publisher.waitForConfirmsOrDie(30_000);
        membersEverywhere(3);

        ManagedCluster.Answer deleted = untilDone(1, "DELETE", REPLICAS + "delete", "{\"node\": \"nodec\"}");
        assertEquals(200, deleted.status(), deleted.body());
        JsonNode shard = deleted.json().path("shards").get(0);
        assertEquals(List.of("nodea", "nodeb"), texts(shard.path("members")), deleted.body());
        assertTrue(shard.path("queues").toString().contains("\"name\":\"q\""), deleted.body());
        assertTrue(deleted.json().path("note").asText().contains("every queue"), deleted.body());
        membersEverywhere(2);

        ManagedCluster.Answer added = untilDone(2, "POST", REPLICAS + "add", "{\"node\": \"nodec\"}");
        assertEquals(200, added.status(), added.body());
        membersEverywhere(3);
        await().atMost(WAIT).until(() -> cluster.json(2, QUEUE).path("raft").path("local_replica").asBoolean());

        // shrink nodec and nodeb off every shard: nodea is left, alone, in each
        assertEquals(200, untilDone(0, "DELETE", "/api/queues/quorum/replicas/on/nodec/shrink", null).status());
        ManagedCluster.Answer shrunk = untilDone(0, "DELETE", "/api/queues/quorum/replicas/on/nodeb/shrink", null);
        assertEquals(200, shrunk.status(), shrunk.body());
        membersEverywhere(1);
        ManagedCluster.Answer last = cluster.send(0, "DELETE", REPLICAS + "delete", "{\"node\": \"nodea\"}");
        assertEquals(400, last.status(), last.body());
        assertTrue(last.body().contains("last member"), last.body());
        ManagedCluster.Answer lastByShrink = cluster.send(0, "DELETE", "/api/queues/quorum/replicas/on/nodea/shrink",
                null);
        assertEquals(200, lastByShrink.status(), lastByShrink.body());
        assertEquals(0, lastByShrink.json().path("shards").size(), lastByShrink.body());
        assertTrue(lastByShrink.json().path("skipped").size() > 0, lastByShrink.body());

        ManagedCluster.Answer grown = untilDone(1, "POST", "/api/queues/quorum/replicas/on/nodeb/grow",
                "{\"strategy\": \"all\", \"vhost_pattern\": \".*\", \"queue_pattern\": \".*\"}");
        assertEquals(200, grown.status(), grown.body());
        membersEverywhere(2);

        assertEquals(400, cluster.send(0, "POST", REPLICAS + "add", "{}").status());
        assertEquals(400, cluster.send(0, "POST", "/api/queues/quorum/replicas/on/nodec/grow",
                "{\"strategy\": \"all\", \"queue_pattern\": \"^orders\"}").status());
        assertEquals(404, cluster.send(0, "POST", "/api/queues/quorum/%2F/nothere/replicas/add",
                "{\"node\": \"nodec\"}").status());
    }

    /**
     * A membership change, sent again while it answers 503: a change Ratis could not finish in time (a busy
     * machine) is reported so, with the advice to run it again, which finishes it, as an operator would.
     */
    private ManagedCluster.Answer untilDone(int node, String method, String path, String body) {
        ManagedCluster.Answer[] last = new ManagedCluster.Answer[1];
        await().atMost(java.time.Duration.ofMinutes(4)).pollInterval(java.time.Duration.ofSeconds(1)).until(() -> {
            last[0] = cluster.send(node, method, path, body);
            return last[0].status() != 503;
        });
        return last[0];
    }
}
