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
import java.util.HashSet;
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
 * Three cluster nodes in this JVM with their management APIs: a quorum queue shows as RabbitMQ shows one (type
 * quorum, its leader as its node, its members and those online) on every node, with its shard's Raft figures.
 */
class ClusterQuorumQueueApiTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> NAMES = List.of("nodea", "nodeb", "nodec");
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
        return cluster.channel(node, null);
    }

    /** Declares the quorum queue once the cluster has formed its shards (refused before, on a closed channel). */
    private void declareQuorumQueue() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            channel(0).queueDeclare("q", true, false, false, Map.of("x-queue-type", "quorum"));
            return true;
        });
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void everyNodeShowsTheQuorumQueuesLeaderMembersAndRaftFiguresAndAStoppedMemberGoesOffline() throws Exception {
        cluster = new ManagedCluster(dir).start();
        declareQuorumQueue();
        Channel publisher = channel(1);
        publisher.confirmSelect();
        publisher.basicPublish("", "q", null, "one".getBytes(StandardCharsets.UTF_8));
        publisher.waitForConfirmsOrDie(30_000);

        for (int n = 0; n < 3; n++) {
            int node = n;
            // a node starts its replicas when it applies the shard catalogue, which can be after a majority
            // (the other two) has confirmed the publish
            await().atMost(WAIT).until(() -> texts(cluster.json(node, QUEUE).path("online")).size() == 3
                    && cluster.json(node, QUEUE).path("raft").path("local_replica").asBoolean());
        }
        String leader = cluster.json(0, QUEUE).path("leader").asText();
        assertTrue(NAMES.contains(leader), leader);
        for (int n = 0; n < 3; n++) {
            JsonNode q = cluster.json(n, QUEUE);
            assertEquals("quorum", q.path("type").asText(), q.toString());
            assertEquals(leader, q.path("leader").asText(), q.toString());
            assertEquals(leader, q.path("node").asText(), q.toString());
            assertEquals(Set.copyOf(NAMES), texts(q.path("members")), q.toString());
            assertEquals("running", q.path("state").asText(), q.toString());
            JsonNode raft = q.path("raft");
            assertTrue(raft.path("shard").isInt(), q.toString());
            assertTrue(raft.path("local_replica").asBoolean(), q.toString()); // 3 nodes: every shard is on each
            assertEquals(NAMES.get(n), raft.path("node").asText(), raft.toString());
            assertTrue(raft.path("term").asLong() >= 1, raft.toString());
            assertTrue(raft.path("commit_index").asLong() >= 1, raft.toString());
            assertTrue(raft.path("last_applied").asLong() <= raft.path("last_log_index").asLong(), raft.toString());
        }
        // the listing carries the same fields, the Raft figures only in the queue's own view
        JsonNode listed = cluster.json(2, "/api/queues/%2F").get(0);
        assertEquals("quorum", listed.path("type").asText());
        assertEquals(leader, listed.path("leader").asText(), listed.toString());
        assertEquals(3, listed.path("members").size(), listed.toString());
        assertTrue(listed.path("raft").isMissingNode(), listed.toString());

        int leaderIndex = NAMES.indexOf(leader);
        await().atMost(WAIT).until(() -> cluster.json(leaderIndex, QUEUE).path("raft").path("followers").size() == 2);
        JsonNode onLeader = cluster.json(leaderIndex, QUEUE).path("raft");
        assertEquals("leader", onLeader.path("role").asText(), onLeader.toString());
        Set<String> followers = new HashSet<>();
        onLeader.path("followers").forEach(f -> {
            followers.add(f.path("node").asText());
            assertTrue(f.path("match_index").asLong() >= 0 && f.path("lag").asLong() >= 0, f.toString());
        });
        Set<String> others = new HashSet<>(NAMES);
        others.remove(leader);
        assertEquals(others, followers, onLeader.toString());
        JsonNode onFollower = cluster.json((leaderIndex + 1) % 3, QUEUE).path("raft");
        assertEquals("follower", onFollower.path("role").asText(), onFollower.toString());
        assertEquals(0, onFollower.path("followers").size(), onFollower.toString());

        rabbitmqadminListsTheQueueWithTypeAndLeader((leaderIndex + 2) % 3, leader);

        int stopped = (leaderIndex + 1) % 3;
        cluster.stop(stopped);
        Set<String> left = new HashSet<>(NAMES);
        left.remove(NAMES.get(stopped));
        for (int n = 0; n < 3; n++) {
            if (n == stopped) {
                continue;
            }
            int node = n;
            await().atMost(WAIT).until(() -> texts(cluster.json(node, QUEUE).path("online")).equals(left));
            JsonNode q = cluster.json(node, QUEUE);
            assertEquals(Set.copyOf(NAMES), texts(q.path("members")), q.toString());
        }
    }

    /** RabbitMQ's own rabbitmqadmin (when on the PATH) lists the queue's name, type and node (its leader). */
    private void rabbitmqadminListsTheQueueWithTypeAndLeader(int node, String leader) throws Exception {
        Optional<Path> tool = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(d -> Path.of(d, "rabbitmqadmin")).filter(Files::isRegularFile).findFirst();
        if (tool.isEmpty()) {
            assertTrue(System.getenv("WARREN_REQUIRE_TOOLS") == null, "rabbitmqadmin is not on the PATH, and "
                    + "WARREN_REQUIRE_TOOLS says this run must have it");
            return; // not installed here: the HTTP checks cover the fields
        }
        Process p = new ProcessBuilder("python3", tool.get().toString(), "-H", "127.0.0.1", "-P",
                String.valueOf(cluster.httpPort(node)), "-u", "guest", "-p", "guest", "-f", "tsv", "list", "queues",
                "name", "type", "node").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("q\tquorum\t" + leader), out);
    }
}
