package io.warren.cluster.quorum.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.QuorumCluster;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shard takes out consumers of a node that is gone, and of a node's earlier run, and what they held comes back. */
class ConsumerNodeWatchTest {
    private static final QueueKey Q = new QueueKey("/", "work");
    private static final QueueKey OTHER = new QueueKey("/", "other-work");
    private static final Origin ORIGIN = new Origin("publisher", 1);

    @TempDir
    Path dir;
    private QuorumCluster nodes;

    @AfterEach
    void stop() throws IOException {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aConsumerOnANodeThatStaysUnreachableIsTakenOutAndItsMessageComesBackRedelivered() throws Exception {
        nodes = new QuorumCluster(dir, 1);
        nodes.submit(CommandBatch.of(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT)), List.of());
        int leader = nodes.awaitLeader();
        int c = (leader + 1) % 3;
        ConsumerKey consumer = new ConsumerKey(QuorumCluster.name(c), nodes.node(c).quorumEpoch(), 1);
        nodes.submit(new CommandBatch(List.of(new Command.Checkout(Q, consumer, 10, 0, false, false),
                enqueue(Q, 1))), List.of(body(1)));
        assertEquals(List.of(1L), nodes.machine(leader).readState(s -> s.checkedOut(Q, consumer)));

        nodes.cluster.stop(c);

        await().atMost(QuorumCluster.WAIT).until(() -> nodes.machine(leader).readState(s ->
                s.consumers(Q).isEmpty() && s.counts(Q).ready() == 1));
        Effect.Dequeued got = get(leader, Q);
        assertEquals(1, got.msgId());
        assertTrue(got.redelivered(), "the message the lost node held comes back marked redelivered");
    }

    @Test
    void aConsumerOfANodesEarlierRunIsCancelledWhileItsCurrentRunsConsumersStay() throws Exception {
        nodes = new QuorumCluster(dir, 2);
        nodes.submit(new CommandBatch(List.of(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT),
                new Command.AttachQueue(OTHER, 2, QueueConfig.DEFAULT))), List.of());
        int leader = nodes.awaitLeader();
        int c = (leader + 2) % 3;
        long epoch = nodes.node(c).quorumEpoch();
        ConsumerKey earlierRun = new ConsumerKey(QuorumCluster.name(c), epoch - 1000, 1);
        ConsumerKey thisRun = new ConsumerKey(QuorumCluster.name(c), epoch, 2);
        // one entry, so the earlier run's consumer holds the message before anything can take it out
        nodes.submit(new CommandBatch(List.of(new Command.Checkout(Q, earlierRun, 10, 0, false, false),
                enqueue(Q, 1), new Command.Checkout(OTHER, thisRun, 10, 0, false, false))), List.of(body(1)));

        // the node is up all along, so no NodeDown: had one come, this run's consumer would be gone too
        await().atMost(QuorumCluster.WAIT).until(() -> nodes.machine(leader).readState(s ->
                s.consumers(Q).isEmpty() && s.counts(Q).ready() == 1));
        assertEquals(List.of(thisRun), nodes.machine(leader).readState(s -> s.consumers(OTHER)));
        Effect.Dequeued got = get(leader, Q);
        assertTrue(got.redelivered(), "the message the earlier run held comes back marked redelivered");
    }

    /** A basic.get without ack by a getter on the leader's node. */
    private Effect.Dequeued get(int leader, QueueKey queue) throws IOException {
        ConsumerKey getter = new ConsumerKey(QuorumCluster.name(leader), nodes.node(leader).quorumEpoch(), 99);
        ShardReply reply = nodes.submit(CommandBatch.of(new Command.Dequeue(queue, getter, true)), List.of());
        return (Effect.Dequeued) reply.effects().stream().filter(e -> e instanceof Effect.Dequeued).findFirst()
                .orElseThrow(() -> new AssertionError("no message got: " + reply.effects()));
    }

    private static Command.Enqueue enqueue(QueueKey queue, long seq) {
        return new Command.Enqueue(ORIGIN, seq, queue, 16, 0, -1, 0);
    }

    private static ByteBuffer body(long seq) {
        return ByteBuffer.wrap(String.format("message %8d", seq).getBytes(StandardCharsets.US_ASCII));
    }
}
