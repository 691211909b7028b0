package io.warren.broker.admin;

import java.util.List;

/**
 * A quorum queue's replicas as the node answering sees them: the shard (Raft group) that holds it, its leader, its
 * members and which of them are running, and, when this node replicates the shard, the figures of its own replica.
 *
 * @param shard   the id of the shard group the queue belongs to
 * @param leader  the shard's leader as this node knows it (its own replica's view, else its Raft client's, else the
 *                shard's preferred leader)
 * @param members the nodes that replicate the shard
 * @param online  those of the members that are running as far as this node knows
 * @param raft    this node's replica of the shard, or null when this node is not one of its members
 */
public record QuorumQueueView(int shard, String leader, List<String> members, List<String> online, Replica raft) {
    public QuorumQueueView {
        members = List.copyOf(members);
        online = List.copyOf(online);
    }

    /**
     * One replica's Raft figures.
     *
     * @param node          the node whose replica this is (the node answering)
     * @param role          leader, follower, candidate or listener
     * @param term          the replica's current term
     * @param commitIndex   the highest log index it knows to be committed
     * @param lastApplied   the highest log index its state machine applied
     * @param lastLogIndex  the index of the last entry in its log
     * @param snapshotIndex the log index of its latest snapshot (-1: none)
     * @param followers     on the leader, how far each follower has caught up; empty elsewhere
     */
    public record Replica(String node, String role, long term, long commitIndex, long lastApplied, long lastLogIndex,
                          long snapshotIndex, List<Follower> followers) {
        public Replica {
            followers = List.copyOf(followers);
        }
    }

    /**
     * A follower as its leader sees it.
     *
     * @param node          the follower's node
     * @param matchIndex    the highest log index the leader knows it holds
     * @param lag           how many entries it is behind the leader's log (the leader's last index less matchIndex)
     * @param lastContactMs milliseconds since the leader last heard from it
     */
    public record Follower(String node, long matchIndex, long lag, long lastContactMs) {
    }
}
