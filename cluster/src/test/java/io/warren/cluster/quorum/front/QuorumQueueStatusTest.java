package io.warren.cluster.quorum.front;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.admin.QuorumQueueView;
import io.warren.cluster.ClusterNode;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.shard.ShardCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a four-node cluster (each shard on three of them) every node tells the management API a quorum queue's
 * shard, leader, members and those online; the members add their own replica's Raft figures, the fourth node none.
 */
class QuorumQueueStatusTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> NAMES = List.of("nodea", "nodeb", "nodec", "noded");

    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private ClusterNode node(int i) {
        return cluster.node(i).node();
    }

    @Test
    void everyNodeKnowsTheLeaderAndMembersAndOnlyMembersGiveRaftFigures() throws Exception {
        cluster = new TestCluster(dir, 4).startAll();
        await().atMost(WAIT).until(() -> IntStream.range(0, 4).allMatch(i -> {
            ShardCatalog c = node(i).shardCatalog();
            return c != null && cluster.node(i).broker().vhost("/") != null
                    && node(i).quorum().groupIds().size() == c.shardsOf(NAMES.get(i)).size();
        }));
        try (Connection a = QuorumPublishTest.connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("orders", true, false, false, Map.of("x-queue-type", "quorum"));
            ch.queueDeclare("plain", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "orders", null, "one".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(30_000);
        }
        await().atMost(WAIT).until(() -> IntStream.range(0, 4).allMatch(i -> node(i).quorumQueue("/", "orders") != null
                && node(i).quorumQueue("/", "orders").online().size() == 3));
        QuorumQueueView onA = node(0).quorumQueue("/", "orders");
        // client-local: a shard that prefers the declaring node, replicated by nodes a, b, c (shard i: i, i+1, i+2)
        assertEquals(List.of("nodea", "nodeb", "nodec"), onA.members(), onA.toString());
        await().atMost(WAIT).until(() -> IntStream.range(0, 4).mapToObj(i -> node(i).quorumQueue("/", "orders").leader())
                .collect(Collectors.toSet()).size() == 1);
        String leader = onA.leader();
        assertTrue(onA.members().contains(leader), onA.toString());
        for (int i = 0; i < 4; i++) {
            QuorumQueueView v = node(i).quorumQueue("/", "orders");
            assertEquals(onA.shard(), v.shard());
            assertEquals(onA.members(), v.members());
            assertEquals(leader, node(i).queueNode("/", "orders"), "the queue's node is its leader");
            assertNull(node(i).quorumQueue("/", "plain"), "a classic queue has no quorum view");
        }
        QuorumQueueView outside = node(3).quorumQueue("/", "orders");
        assertNull(outside.raft(), "noded replicates no shard of the queue: no figures of its own");

        int leaderIndex = NAMES.indexOf(leader);
        await().atMost(WAIT).until(() -> node(leaderIndex).quorumQueue("/", "orders").raft().followers().size() == 2);
        QuorumQueueView.Replica lead = node(leaderIndex).quorumQueue("/", "orders").raft();
        assertEquals("leader", lead.role());
        assertEquals(leader, lead.node());
        assertTrue(lead.term() >= 1 && lead.commitIndex() >= 1, lead.toString());
        assertTrue(lead.lastApplied() <= lead.lastLogIndex(), lead.toString());
        Set<String> followers = lead.followers().stream().map(QuorumQueueView.Follower::node).collect(Collectors.toSet());
        assertEquals(Set.copyOf(onA.members().stream().filter(m -> !m.equals(leader)).toList()), followers);
        lead.followers().forEach(f -> assertTrue(f.lag() >= 0 && f.matchIndex() <= lead.lastLogIndex(), f.toString()));
        int followerIndex = NAMES.indexOf(followers.iterator().next());
        QuorumQueueView.Replica follower = node(followerIndex).quorumQueue("/", "orders").raft();
        assertNotNull(follower);
        assertEquals("follower", follower.role());
        assertTrue(follower.followers().isEmpty(), follower.toString());

        cluster.stop(followerIndex);
        String gone = NAMES.get(followerIndex);
        for (int i : new int[] {leaderIndex, 3}) {
            await().atMost(WAIT).until(() -> !node(i).quorumQueue("/", "orders").online().contains(gone));
            assertEquals(2, node(i).quorumQueue("/", "orders").online().size());
        }
    }
}
