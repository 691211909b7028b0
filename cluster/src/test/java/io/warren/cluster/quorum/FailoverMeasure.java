package io.warren.cluster.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.raft.ShardEntry;
import io.warren.cluster.quorum.shard.QuorumTuning;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check of speed: on three in-process nodes, the time from closing the leader's division of a
 * shard (as if its node died) to the first entry committed through a client that retries every 50 ms, over 10 runs
 * (the node is restarted between runs, which reopens the division from disk). Run with -Dquorum.measure=true; it prints the figures and asserts only that each entry committed.
 */
@EnabledIfSystemProperty(named = "quorum.measure", matches = "true")
class FailoverMeasure {
    @TempDir
    Path dir;

    @Test
    void fromClosingTheLeadersNodeToTheFirstCommittedEntry() throws Exception {
        List<Long> failover = new ArrayList<>();
        List<Long> afterClose = new ArrayList<>();
        try (QuorumCluster nodes = new QuorumCluster(dir, 0)) {
            for (int run = 0; run < 10; run++) {
                int leader = nodes.awaitLeader();
                await().atMost(QuorumCluster.WAIT).until(() -> IntStream.range(0, 3).allMatch(nodes::running));
                nodes.awaitAlike();
                try (RaftClient warm = client(nodes, -1)) {
                    assertTrue(warm.io().send(tick()).isSuccess());
                }
                long t0 = System.nanoTime();
                // the leader's division of the shard goes away, as if its node died (closing a whole node takes
                // seconds, its quorum server's divisions one after another; this closes just the one)
                RaftServer server = nodes.node(leader).quorum().server();
                RaftClientReply removed = server.groupManagement(GroupManagementRequest.newRemove(
                        ClientId.randomId(), server.getId(), 1, nodes.group, false, false));
                assertTrue(removed.isSuccess(), removed::toString);
                long closed = System.nanoTime();
                int attempts = 0;
                RaftClientReply reply = null;
                while (reply == null) {
                    attempts++;
                    // a new client of the survivors each time: until they elect, they name the old leader, whose
                    // removed division answers "group not found", which a client does not retry (a dead node's
                    // refused connection it would)
                    try (RaftClient client = client(nodes, leader)) {
                        reply = client.io().send(tick());
                    } catch (GroupMismatchException stale) {
                        Thread.sleep(50);
                    }
                }
                long t1 = System.nanoTime();
                assertTrue(reply.isSuccess(), reply::toString);
                failover.add(TimeUnit.NANOSECONDS.toMillis(t1 - t0));
                afterClose.add(TimeUnit.NANOSECONDS.toMillis(t1 - closed));
                System.out.printf("run %d: leader %s's division closed in %d ms; first commit %d ms after the close "
                        + "began (%d client attempts)%n", run, QuorumCluster.name(leader),
                        TimeUnit.NANOSECONDS.toMillis(closed - t0), failover.get(failover.size() - 1), attempts);
                nodes.cluster.stop(leader);
                nodes.cluster.start(leader);
            }
        }
        System.out.printf("failover over %d runs: from the close's start median %d ms, max %d ms; from its end "
                + "median %d ms, max %d ms (election timeout %d-%d ms, client retry every 50 ms)%n", failover.size(),
                median(failover), Collections.max(failover), median(afterClose), Collections.max(afterClose),
                QuorumTuning.ELECTION_TIMEOUT_MS, 2 * QuorumTuning.ELECTION_TIMEOUT_MS);
    }

    /** A client of the shard's replicas but the one left out (-1: none). */
    private static RaftClient client(QuorumCluster nodes, int leftOut) {
        RaftGroup all = nodes.catalog.group(nodes.shard);
        List<RaftPeer> peers = all.getPeers().stream()
                .filter(p -> leftOut < 0 || !p.getId().toString().equals(QuorumCluster.name(leftOut))).toList();
        return RaftClient.newBuilder().setProperties(QuorumTuning.client())
                .setRaftGroup(RaftGroup.valueOf(all.getGroupId(), peers))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(600,
                        TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
                .build();
    }

    private static Message tick() {
        return Message.valueOf(ShardEntry.encode(CommandBatch.of(new Command.Tick(0)), List.of()));
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
