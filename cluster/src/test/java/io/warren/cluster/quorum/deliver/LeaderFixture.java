package io.warren.cluster.quorum.deliver;

import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.warren.cluster.ClusterNode;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.QuorumMessageFormat;
import io.warren.cluster.quorum.raft.ShardEntry;
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
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;

/**
 * Three in-process nodes whose quorum shards run the real state machine with each node's {@link QuorumDeliveries},
 * one shard picked (led by its preferred node), and a Raft client submitting entries to it directly.
 */
final class LeaderFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Origin ORIGIN = new Origin("publisher", 1);

    final TestCluster cluster;
    final ShardCatalog catalog;
    final ShardCatalog.Shard shard;
    /** The shard's leader at the start, and the two other nodes. */
    final int leader;
    final int b;
    final int c;
    private final RaftClient client;
    private final Map<String, Map<ConsumerKey, QuorumConsumerTarget>> targets = new ConcurrentHashMap<>();
    private long seq;

    LeaderFixture(Path dir) {
        cluster = new TestCluster(dir, 3)
                .beforeStart(n -> {
                    n.useShardMachines(g -> new ShardStateMachine(n.quorumDeliveries().forShard(g)));
                    // a restarted node has its test consumers back before anything can reach it
                    targets.getOrDefault(n.nodeName(), Map.of()).forEach(n.quorumEndpoints()::register);
                })
                .startAll();
        await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> {
            ShardCatalog cat = node(i).shardCatalog();
            return cat != null && node(i).quorum().groupIds().size() == cat.shardsOf(name(i)).size();
        }));
        catalog = node(0).shardCatalog();
        shard = catalog.shards().get(0);
        int preferred = IntStream.range(0, 3).filter(i -> name(i).equals(shard.preferredLeader())).findFirst()
                .orElseThrow();
        // priorities hand leadership to the preferred node; wait for it, so the leader stays put
        await().atMost(WAIT).until(() -> machine(preferred).leaderReady());
        leader = preferred;
        b = (leader + 1) % 3;
        c = (leader + 2) % 3;
        client = RaftClient.newBuilder().setProperties(QuorumTuning.client()).setRaftGroup(catalog.group(shard))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(300,
                        TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
    }

    static String name(int i) {
        return "node" + (char) ('a' + i);
    }

    ClusterNode node(int i) {
        return cluster.node(i).node();
    }

    ShardStateMachine machine(int i) {
        try {
            RaftServer.Division d = node(i).quorum().server().getDivision(shard.groupId());
            return (ShardStateMachine) d.getStateMachine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node whose replica of the shard is the ready leader, or -1. */
    int readyLeader() {
        for (int i = 0; i < 3; i++) {
            if (cluster.node(i) != null && node(i).quorum() != null && node(i).quorum().server() != null) {
                try {
                    if (machine(i).leaderReady()) {
                        return i;
                    }
                } catch (UncheckedIOException | IllegalStateException e) {
                    // closing
                }
            }
        }
        return -1;
    }

    /**
     * A consumer key on node i (with that node's run epoch: a key of another epoch is an earlier run's, which the
     * node's ConsumerNodeWatch cancels), with its target registered in that node's endpoints.
     */
    ConsumerKey consumer(int i, long id, QuorumConsumerTarget target) {
        ConsumerKey key = new ConsumerKey(name(i), node(i).quorumEpoch(), id);
        targets.computeIfAbsent(name(i), n -> new ConcurrentHashMap<>()).put(key, target);
        node(i).quorumEndpoints().register(key, target);
        return key;
    }

    void submit(Command... commands) {
        submit(CommandBatch.of(commands), List.of());
    }

    /** Enqueues these bodies (the stored form of a message to exchange "" with the queue's name as key). */
    synchronized void enqueue(QueueKey queue, List<String> bodies) {
        List<Command> commands = new ArrayList<>();
        List<ByteBuffer> stored = new ArrayList<>();
        for (String body : bodies) {
            ByteBuffer b = stored(queue, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            commands.add(new Command.Enqueue(ORIGIN, ++seq, queue, b.remaining(), 0, -1, 0));
            stored.add(b);
        }
        submit(new CommandBatch(commands), stored);
    }

    /** Enqueues the same body count times in one entry, without waiting for it to be applied. */
    synchronized java.util.concurrent.CompletableFuture<RaftClientReply> enqueueAsync(QueueKey queue, byte[] body,
                                                                                     int count) {
        List<Command> commands = new ArrayList<>();
        List<ByteBuffer> stored = new ArrayList<>();
        ByteBuffer b = stored(queue, body);
        for (int i = 0; i < count; i++) {
            commands.add(new Command.Enqueue(ORIGIN, ++seq, queue, b.remaining(), 0, -1, 0));
            stored.add(b.duplicate());
        }
        return client.async().send(Message.valueOf(ShardEntry.encode(new CommandBatch(commands), stored)));
    }

    static ByteBuffer stored(QueueKey queue, byte[] body) {
        // property flags 0: no properties
        io.warren.broker.message.Message m = new io.warren.broker.message.Message("", queue.name(),
                Unpooled.wrappedBuffer(new byte[] {0, 0}), Unpooled.wrappedBuffer(body));
        return QuorumMessageFormat.join(QuorumMessageFormat.encode(m));
    }

    void attach(QueueKey queue, QueueConfig config) {
        submit(new Command.AttachQueue(queue, 1, config));
    }

    private void submit(CommandBatch batch, List<ByteBuffer> bodies) {
        try {
            RaftClientReply reply = client.io().send(Message.valueOf(ShardEntry.encode(batch, bodies)));
            if (!reply.isSuccess()) {
                throw new IllegalStateException("entry not applied: " + reply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // closing anyway
        }
        cluster.close();
    }
}
