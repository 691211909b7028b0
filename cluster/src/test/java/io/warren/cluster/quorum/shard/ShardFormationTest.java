package io.warren.cluster.quorum.shard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.ClusterNode;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.raft.ShardEntry;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster of three forms six quorum shards, opens them on the right nodes, and reopens them after a restart. */
class ShardFormationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
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

    private static String name(int i) {
        return "node" + (char) ('a' + i);
    }

    /** Waits until every node has the catalogue and has opened all the shards it replicates. */
    private ShardCatalog awaitShardsOpen() {
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> {
            ShardCatalog c = node(i).shardCatalog();
            return c != null && node(i).quorum().groupIds().size() == c.shardsOf(name(i)).size();
        }));
        return node(0).shardCatalog();
    }

    private static RaftServer.Division division(ClusterNode n, RaftGroupId g) {
        try {
            return n.quorum().server().getDivision(g);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void threeNodesFormSixShardsOfThreeReplicasEachNodePreferredLeaderOfTwo() {
        cluster = new TestCluster(dir, 3).startAll();
        ShardCatalog catalog = awaitShardsOpen();

        assertEquals(6, catalog.shards().size());
        Map<String, Integer> preferred = new TreeMap<>();
        for (ShardCatalog.Shard s : catalog.shards()) {
            assertEquals(Set.of("nodea", "nodeb", "nodec"), new HashSet<>(s.members()), "shard " + s.id());
            preferred.merge(s.preferredLeader(), 1, Integer::sum);
        }
        assertEquals(Map.of("nodea", 2, "nodeb", 2, "nodec", 2), preferred);
        for (int i = 0; i < 3; i++) {
            // every node holds the same catalogue, and opened exactly the shards' groups at the catalogue's peers
            assertEquals(catalog, node(i).shardCatalog());
            assertEquals(catalog.shards().stream().map(ShardCatalog.Shard::groupId).collect(Collectors.toSet()),
                    new HashSet<>(node(i).quorum().groupIds()));
            assertEquals(cluster.member(i).port() + 2, node(i).quorum().port());
            for (ShardCatalog.Shard s : catalog.shards()) {
                assertEquals(catalog.group(s).getPeers().size(),
                        division(node(i), s.groupId()).getGroup().getPeers().size());
            }
        }
        // leaders spread: each node ends up leading at least one shard (priorities hand leadership over)
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> catalog.shards().stream()
                .anyMatch(s -> division(node(i), s.groupId()).getInfo().isLeader())));
        System.out.printf("shard leaders: %s%n", leaders(catalog));
        System.out.printf("threads in this JVM with 3 nodes, 6 shards each: %d (quorum server's: %s)%n",
                Thread.activeCount(), quorumThreadsPerNode(catalog));
    }

    @Test
    void aBatchSubmittedThroughAClientIsAppliedOnAllThreeMembers() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        ShardCatalog catalog = awaitShardsOpen();
        ShardCatalog.Shard shard = catalog.shards().get(4);
        QueueKey queue = new QueueKey("/", "orders");

        RaftClientReply reply = submit(catalog, shard, CommandBatch.of(new Command.AttachQueue(queue, 1,
                QueueConfig.DEFAULT)));

        assertTrue(reply.isSuccess(), () -> "reply: " + reply);
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> applied(i, shard, queue)));
    }

    @Test
    void aRestartedNodeReopensItsShardsAndReplaysThem() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        ShardCatalog catalog = awaitShardsOpen();
        ShardCatalog.Shard shard = catalog.shards().get(1);
        QueueKey queue = new QueueKey("/", "kept");
        assertTrue(submit(catalog, shard, CommandBatch.of(new Command.AttachQueue(queue, 1, QueueConfig.DEFAULT)))
                .isSuccess());
        await().atMost(WAIT).until(() -> applied(1, shard, queue));

        cluster.stop(1);
        cluster.start(1);

        assertEquals(6, node(1).quorum().groupIds().size(), "groups reopened from disk at start");
        await().atMost(WAIT).until(() -> applied(1, shard, queue));
        QueueKey after = new QueueKey("/", "after-restart");
        assertTrue(submit(catalog, shard, CommandBatch.of(new Command.AttachQueue(after, 2, QueueConfig.DEFAULT)))
                .isSuccess());
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> applied(i, shard, after)));
    }

    @Test
    void aClusterNotAskedForQuorumShardsFormsNoneAndRunsNoQuorumServer() {
        cluster = new TestCluster(dir, 3).noQuorumShards().startAll();
        // the cluster has formed and committed its defaults; asked for, the shards form in the same few seconds
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> cluster.node(n).broker().vhost("/") != null);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(null, node(i).shardCatalog());
            assertEquals(null, node(i).quorum().server(), "no quorum server, so no port and no threads");
        }
    }

    @Test
    void aNodeAddedAfterTheClusterFormedGetsTheCatalogueButNoShardAndNoQuorumServer() {
        cluster = new TestCluster(dir, 3).startAll();
        ShardCatalog catalog = awaitShardsOpen();
        int d = cluster.addMember();
        cluster.start(d, cluster.members(3));
        cluster.node(1).node().addNode(cluster.member(d).name(), cluster.member(d).address());

        await().atMost(WAIT).until(() -> catalog.equals(node(d).shardCatalog()));
        assertTrue(catalog.shardsOf(name(d)).isEmpty());
        assertEquals(List.of(), node(d).quorum().groupIds());
        assertEquals(null, node(d).quorum().server(), "no quorum server, so no port and no threads");
    }

    @Test
    void aNodeAddedAfterTheClusterFormedIsGrownIntoEveryShardByTheOperator() {
        cluster = new TestCluster(dir, 3).startAll();
        awaitShardsOpen();
        int d = cluster.addMember();
        cluster.start(d, cluster.members(3));
        cluster.node(1).node().addNode(cluster.member(d).name(), cluster.member(d).address());
        await().atMost(WAIT).until(() -> node(d).shardCatalog() != null);

        var grown = node(0).grow(name(d), "all");
        assertEquals(6, grown.shards().size(), grown.toString());
        await().atMost(WAIT).until(() -> node(d).quorum().groupIds().size() == 6);
        ShardCatalog after = node(0).shardCatalog();
        assertEquals(6, after.shardsOf(name(d)).size());
        assertTrue(after.addresses().get(name(d)).endsWith(":" + node(d).quorum().port()),
                "the address the node told: " + after.addresses());
    }

    private boolean applied(int i, ShardCatalog.Shard shard, QueueKey queue) {
        var sm = (ShardStateMachine) division(node(i), shard.groupId()).getStateMachine();
        return sm.readState(s -> s.queueKeys().contains(queue));
    }

    private static RaftClientReply submit(ShardCatalog catalog, ShardCatalog.Shard shard, CommandBatch batch)
            throws IOException {
        try (RaftClient client = RaftClient.newBuilder().setProperties(QuorumTuning.client())
                .setRaftGroup(catalog.group(shard))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(100,
                        TimeDuration.valueOf(200, java.util.concurrent.TimeUnit.MILLISECONDS)))
                .build()) {
            return client.io().send(Message.valueOf(ShardEntry.encode(batch, List.of())));
        }
    }

    private Map<Integer, String> leaders(ShardCatalog catalog) {
        Map<Integer, String> out = new TreeMap<>();
        for (ShardCatalog.Shard s : catalog.shards()) {
            for (int i = 0; i < 3; i++) {
                if (division(node(i), s.groupId()).getInfo().isLeader()) {
                    out.put(s.id(), name(i) + (name(i).equals(s.preferredLeader()) ? "" : " (not preferred)"));
                }
            }
        }
        return out;
    }

    /** Live threads whose names carry a node's id and one of the shard groups' ids. */
    private static Map<String, Long> quorumThreadsPerNode(ShardCatalog catalog) {
        List<String> groups = catalog.shards().stream().map(s -> s.groupId().toString()).toList();
        Map<String, Long> out = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (int i = 0; i < 3; i++) {
                String n = t.getName();
                if (n.contains(name(i)) && groups.stream().anyMatch(n::contains)) {
                    out.merge(name(i), 1L, Long::sum);
                }
            }
        }
        return out;
    }
}
