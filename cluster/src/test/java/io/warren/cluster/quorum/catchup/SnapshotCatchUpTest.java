package io.warren.cluster.quorum.catchup;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.QuorumCluster;
import io.warren.cluster.quorum.raft.ShardStateMachine;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that was down while the others snapshotted and purged their logs is told by Ratis to install a snapshot
 * (notify mode) and fetches the leader's state and live bodies over the link.
 */
class SnapshotCatchUpTest {
    private static final QueueKey Q = new QueueKey("/", "backlog");
    private static final Origin ORIGIN = new Origin("publisher", 1);
    /** Large enough that 700 of them fill more than one 4 MB Raft log segment, so the log can be purged. */
    private static final int BODY_BYTES = 8 * 1024;

    @TempDir
    Path dir;
    private QuorumCluster nodes;
    private long seq;

    @AfterEach
    void stop() throws IOException {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aReplicaBehindThePurgedLogFetchesTheLeadersSnapshotAndItsLiveBodiesOverTheLink() throws Exception {
        nodes = new QuorumCluster(dir, 0);
        nodes.submit(CommandBatch.of(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT)), List.of());
        int leader = nodes.awaitLeader();
        // a consumer on the leader's node (a node that stays up, so its consumers stay)
        ConsumerKey consumer = new ConsumerKey(QuorumCluster.name(leader), nodes.node(leader).quorumEpoch(), 1);
        nodes.submit(CommandBatch.of(new Command.Checkout(Q, consumer, 30, 0, false, false)), List.of());
        int behind = (leader + 1) % 3;
        nodes.awaitAlike();
        nodes.cluster.stop(behind);

        for (int b = 0; b < 14; b++) {
            publish(50);
        }
        // 1..30 went to the consumer; 1..10 acked before the snapshot, 11..30 after it (gone when fetched)
        nodes.submit(CommandBatch.of(new Command.Settle(Q, consumer, ids(1, 10))), List.of());
        long snapshotIndex = snapshotAndPurge(behind);
        nodes.submit(CommandBatch.of(new Command.Settle(Q, consumer, ids(11, 30))), List.of());
        publish(50); // and more after the snapshot, which the log brings

        nodes.cluster.start(behind);
        nodes.awaitAlike();

        ShardStateMachine m = nodes.machine(behind);
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

    /** Snapshots on the running replicas; waits until their logs start after the stopped one's last entry. */
    private long snapshotAndPurge(int stopped) throws IOException {
        long index = -1;
        for (int i = 0; i < 3; i++) {
            if (i == stopped) {
                continue;
            }
            RaftClientReply r = nodes.client().getSnapshotManagementApi(RaftPeerId.valueOf(QuorumCluster.name(i)))
                    .create(1, 30_000);
            assertTrue(r.isSuccess(), "snapshot on " + QuorumCluster.name(i) + ": " + r);
            index = Math.max(index, r.getLogIndex());
            int n = i;
            await().atMost(QuorumCluster.WAIT).until(() -> nodes.division(n).getRaftLog().getStartIndex() > 10);
        }
        return index;
    }

    private void publish(int n) throws IOException {
        List<Command> commands = new ArrayList<>();
        List<ByteBuffer> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seq++;
            commands.add(new Command.Enqueue(ORIGIN, seq, Q, BODY_BYTES, 0, -1, 0));
            bodies.add(body(seq));
        }
        nodes.submit(new CommandBatch(commands), bodies);
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
}
