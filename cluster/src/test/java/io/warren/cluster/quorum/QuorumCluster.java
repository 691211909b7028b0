package io.warren.cluster.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.ClusterNode;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.raft.ShardEntry;
import io.warren.cluster.quorum.raft.ShardReply;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.shard.QuorumTuning;
import io.warren.cluster.quorum.shard.ShardCatalog;
import io.warren.cluster.quorum.state.CommandBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;

/**
 * Three in-process nodes whose quorum shards run the real {@link ShardStateMachine} (fetching snapshots over the
 * link), and a client of one shard: for tests of the shards in a cluster.
 */
public final class QuorumCluster implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(60);
    public final TestCluster cluster;
    public final ShardCatalog catalog;
    public final ShardCatalog.Shard shard;
    public final RaftGroupId group;
    private final RaftClient client;

    /** Starts the nodes, waits for their shards, and aims the client at shard number shardId. */
    public QuorumCluster(Path dir, int shardId) {
        cluster = new TestCluster(dir, 3)
                .beforeStart(n -> n.useShardMachines(g -> new ShardStateMachine(ShardEffects.NONE, n.shardSnapshots())))
                .startAll();
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> {
            ShardCatalog c = node(i).shardCatalog();
            return c != null && node(i).quorum().groupIds().size() == c.shardsOf(name(i)).size();
        }));
        catalog = node(0).shardCatalog();
        shard = catalog.shards().get(shardId);
        group = shard.groupId();
        client = RaftClient.newBuilder().setProperties(QuorumTuning.client()).setRaftGroup(catalog.group(shard))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(100,
                        TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build();
    }

    public static String name(int i) {
        return "node" + (char) ('a' + i);
    }

    public ClusterNode node(int i) {
        return cluster.node(i).node();
    }

    public boolean running(int i) {
        return cluster.node(i) != null;
    }

    public RaftServer.Division division(int i) {
        try {
            return node(i).quorum().server().getDivision(group);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public ShardStateMachine machine(int i) {
        return (ShardStateMachine) division(i).getStateMachine();
    }

    public RaftClient client() {
        return client;
    }

    /** The node whose replica of the shard is the ready leader, once there is one. */
    public int awaitLeader() {
        int[] found = {-1};
        await().atMost(WAIT).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (running(i) && division(i).getInfo().isLeaderReady()) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Submits an entry to the shard and waits for its reply. */
    public ShardReply submit(CommandBatch batch, List<ByteBuffer> bodies) throws IOException {
        RaftClientReply reply = client.io().send(Message.valueOf(ShardEntry.encode(batch, bodies)));
        assertTrue(reply.isSuccess(), reply::toString);
        return ShardReply.decode(reply.getMessage());
    }

    /** Every running replica has applied the same entries into the same state. */
    public void awaitAlike() {
        await().atMost(WAIT).untilAsserted(() -> {
            List<Integer> up = IntStream.range(0, 3).filter(this::running).boxed().toList();
            long applied = machine(up.get(0)).getLastAppliedTermIndex().getIndex();
            byte[] state = machine(up.get(0)).stateBytes();
            for (int i : up) {
                assertEquals(applied, machine(i).getLastAppliedTermIndex().getIndex(), "applied on " + name(i));
                assertArrayEquals(state, machine(i).stateBytes(), "state on " + name(i));
            }
        });
    }

    @Override
    public void close() throws IOException {
        client.close();
        cluster.close();
    }
}
