package io.warren.cluster.quorum.catchup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.QuorumCluster;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ratis tells a follower it counts as not caught up to install a snapshot even when the leader's log still holds
 * every entry the follower lacks and the leader has no snapshot at all (seen in the Jepsen-style run after a
 * leader's log appender was restarted; the same happens to a member being added). The replica must then catch up
 * from the log instead of asking forever for a snapshot that does not exist.
 */
class LogCatchUpTest {
    private static final QueueKey Q = new QueueKey("/", "logged");
    private static final Origin ORIGIN = new Origin("publisher", 1);

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
    void aMemberAddedBackToAShardWhoseLeaderNeverSnapshottedCatchesUpFromTheLog() throws Exception {
        nodes = new QuorumCluster(dir, 0);
        nodes.submit(CommandBatch.of(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT)), List.of());
        publish(20);
        int leader = nodes.awaitLeader();
        int member = (leader + 1) % 3;
        nodes.awaitAlike();
        List<RaftPeer> all = nodes.catalog.group(nodes.shard).getPeers().stream().toList();
        List<RaftPeer> without = all.stream().filter(p -> !p.getId().toString().equals(QuorumCluster.name(member)))
                .toList();
        RaftClientReply removed = nodes.client().admin().setConfiguration(without);
        assertTrue(removed.isSuccess(), removed::toString);
        publish(30); // entries the removed member does not get

        // the leader counts the member it adds as bootstrapping and tells it to install a snapshot it does not have
        RaftClientReply added = nodes.client().admin().setConfiguration(all);
        assertTrue(added.isSuccess(), "the member was added back: " + added);
        publish(10);

        nodes.awaitAlike();
        ShardStateMachine m = nodes.machine(member);
        assertNull(m.getLatestSnapshot(), "caught up by the log, no snapshot installed");
        long[] live = m.readState(s -> s.liveMsgIds(Q));
        assertArrayEquals(LongStream.rangeClosed(1, 60).toArray(), live);
        assertArrayEquals(live, m.bodies().storedIds(Q), "every body stored");
    }

    private void publish(int n) throws IOException {
        List<Command> commands = new ArrayList<>();
        List<ByteBuffer> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seq++;
            byte[] b = ("message " + seq).getBytes(StandardCharsets.US_ASCII);
            commands.add(new Command.Enqueue(ORIGIN, seq, Q, b.length, 0, -1, 0));
            bodies.add(ByteBuffer.wrap(b));
        }
        nodes.submit(new CommandBatch(commands), bodies);
    }
}
