package io.warren.cluster.quorum.catchup;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.ClusterNode;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.raft.ShardEntry;
import io.warren.cluster.quorum.raft.ShardReply;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.shard.QuorumTuning;
import io.warren.cluster.quorum.shard.ShardCatalog;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that was down while the others snapshotted and purged their logs is told by Ratis to install a snapshot
 * (notify mode) and fetches the leader's state and live bodies over the link.
 */
class SnapshotCatchUpTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final QueueKey Q = new QueueKey("/", "backlog");
    private static final Origin ORIGIN = new Origin("publisher", 1);
    private static final ConsumerKey CONSUMER = new ConsumerKey("consumer-node", 1, 1);
    /** Large enough that 700 of them fill more than one 4 MB Raft log segment, so the log can be purged. */
    private static final int BODY_BYTES = 8 * 1024;

    @TempDir
    Path dir;
    private TestCluster cluster;
    private RaftClient client;
    private long seq;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReplicaBehindThePurgedLogFetchesTheLeadersSnapshotAndItsLiveBodiesOverTheLink() throws Exception {
        cluster = new TestCluster(dir, 3).quorumShards()
                .prepare(n -> n.useShardMachines(g -> new ShardStateMachine(ShardEffects.NONE, n.shardSnapshots())))
                .startAll();
        ShardCatalog catalog = awaitShardsOpen();
        ShardCatalog.Shard shard = catalog.shards().get(0);
        RaftGroupId g = shard.groupId();
        client = client(catalog, shard);
        submit(CommandBatch.of(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT)), List.of());
        submit(CommandBatch.of(new Command.Checkout(Q, CONSUMER, 30, 0, false, false)), List.of());
        int leader = awaitLeader(g);
        int behind = (leader + 1) % 3;
        awaitAlike(g);
        cluster.stop(behind);

        for (int b = 0; b < 14; b++) {
            publish(50);
        }
        // 1..30 went to the consumer; 1..10 acked before the snapshot, 11..30 after it (gone when fetched)
        submit(CommandBatch.of(new Command.Settle(Q, CONSUMER, ids(1, 10))), List.of());
        long snapshotIndex = snapshotAndPurge(g, behind);
        submit(CommandBatch.of(new Command.Settle(Q, CONSUMER, ids(11, 30))), List.of());
        publish(50); // and more after the snapshot, which the log brings

        cluster.start(behind);
        awaitAlike(g);

        ShardStateMachine m = machine(behind, g);
        assertTrue(m.getLatestSnapshot() != null && m.getLatestSnapshot().getIndex() >= snapshotIndex,
                "the replica installed a snapshot at " + snapshotIndex + " or later, not a replay of the whole log");
        long[] live = m.readState(s -> s.liveMsgIds(Q));
        assertArrayEquals(LongStream.rangeClosed(31, 750).toArray(), live);
        assertArrayEquals(live, m.bodies().storedIds(Q), "every live body stored, nothing released kept");
        for (long id : live) {
            ByteBuffer b = m.bodies().read(Q, id);
            assertNotNull(b, "body " + id);
            assertEquals(body(id), b, "body " + id);
        }
        // the bodies settled after the snapshot were gone on the leader; the log released them here too
        assertArrayEquals(LongStream.rangeClosed(11, 30).toArray(), m.reconciliation().lacking().get(Q));
        assertEquals(Map.of(), m.lostBodies());
    }

    // --- helpers

    private ShardCatalog awaitShardsOpen() {
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> {
            ShardCatalog c = node(i).shardCatalog();
            return c != null && node(i).quorum().groupIds().size() == c.shardsOf(name(i)).size();
        }));
        return node(0).shardCatalog();
    }

    private ClusterNode node(int i) {
        return cluster.node(i).node();
    }

    private static String name(int i) {
        return "node" + (char) ('a' + i);
    }

    private RaftServer.Division division(int i, RaftGroupId g) {
        try {
            return node(i).quorum().server().getDivision(g);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ShardStateMachine machine(int i, RaftGroupId g) {
        return (ShardStateMachine) division(i, g).getStateMachine();
    }

    private int awaitLeader(RaftGroupId g) {
        int[] found = {-1};
        await().atMost(WAIT).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (cluster.node(i) != null && division(i, g).getInfo().isLeaderReady()) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Snapshots on the running replicas; waits until their logs start after the stopped one's last entry. */
    private long snapshotAndPurge(RaftGroupId g, int stopped) throws IOException {
        long index = -1;
        for (int i = 0; i < 3; i++) {
            if (i == stopped) {
                continue;
            }
            RaftClientReply r = client.getSnapshotManagementApi(RaftPeerId.valueOf(name(i))).create(1, 30_000);
            assertTrue(r.isSuccess(), "snapshot on " + name(i) + ": " + r);
            index = Math.max(index, r.getLogIndex());
            int n = i;
            await().atMost(WAIT).until(() -> division(n, g).getRaftLog().getStartIndex() > 10);
        }
        return index;
    }

    private RaftClient client(ShardCatalog catalog, ShardCatalog.Shard shard) {
        return RaftClient.newBuilder().setProperties(QuorumTuning.client()).setRaftGroup(catalog.group(shard))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(100,
                        TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build();
    }

    private void publish(int n) throws IOException {
        List<Command> commands = new ArrayList<>();
        List<ByteBuffer> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seq++;
            commands.add(new Command.Enqueue(ORIGIN, seq, Q, BODY_BYTES, 0, -1, 0));
            bodies.add(body(seq));
        }
        submit(new CommandBatch(commands), bodies);
    }

    private ShardReply submit(CommandBatch batch, List<ByteBuffer> bodies) throws IOException {
        RaftClientReply reply = client.io().send(Message.valueOf(ShardEntry.encode(batch, bodies)));
        assertTrue(reply.isSuccess(), reply::toString);
        return ShardReply.decode(reply.getMessage());
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** Message s's bytes (msgId equals seq: one origin, one queue, nothing refused). */
    private static ByteBuffer body(long s) {
        byte[] b = new byte[BODY_BYTES];
        byte[] tag = ("message " + s + " ").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length; i++) {
            b[i] = tag[i % tag.length];
        }
        return ByteBuffer.wrap(b);
    }

    /** Every running replica has applied the same entries into the same state. */
    private void awaitAlike(RaftGroupId g) {
        await().atMost(WAIT).untilAsserted(() -> {
            List<Integer> running = IntStream.range(0, 3).filter(i -> cluster.node(i) != null).boxed().toList();
            long applied = machine(running.get(0), g).getLastAppliedTermIndex().getIndex();
            byte[] state = machine(running.get(0), g).stateBytes();
            for (int i : running) {
                assertEquals(applied, machine(i, g).getLastAppliedTermIndex().getIndex(), "applied on " + name(i));
                assertArrayEquals(state, machine(i, g).stateBytes(), "state on " + name(i));
            }
        });
    }
}
