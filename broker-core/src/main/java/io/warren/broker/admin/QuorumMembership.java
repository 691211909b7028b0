package io.warren.broker.admin;

import java.util.List;

/**
 * Changes which nodes replicate quorum queues, as RabbitMQ's add_member, delete_member, grow and shrink do. A
 * quorum queue lives in a shard (a Raft group shared by many queues), so a change is made to the queue's shard and
 * every queue of that shard gains or loses the replica. Each call returns once the shard's members agreed on the
 * new configuration and the cluster's catalogue records it; throws {@link AdminException} when it cannot.
 */
public interface QuorumMembership {
    /** Adds the node to the shard of the quorum queue. */
    MembershipChange addMember(String vhost, String queue, String node);

    /** Removes the node from the shard of the quorum queue; refused when it is the shard's last member. */
    MembershipChange deleteMember(String vhost, String queue, String node);

    /**
     * Adds the node to every shard it does not replicate ({@code all}), or to those with an even number of members
     * ({@code even}).
     */
    MembershipChange grow(String node, String strategy);

    /** Removes the node from every shard it replicates, except those it is the last member of. */
    MembershipChange shrink(String node);

    /**
     * What a change did.
     *
     * @param node    the node added or removed
     * @param shards  the shards whose membership changed, each with its members afterwards and its queues
     * @param skipped why shards the call would have changed were left as they were (e.g. the last member)
     */
    record MembershipChange(String node, List<ShardChange> shards, List<String> skipped) {
        public MembershipChange {
            shards = List.copyOf(shards);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * One shard's change.
     *
     * @param shard   the shard's id
     * @param members its members afterwards
     * @param queues  the quorum queues it holds, all of which gained or lost the replica
     */
    record ShardChange(int shard, List<String> members, List<QueueRef> queues) {
        public ShardChange {
            members = List.copyOf(members);
            queues = List.copyOf(queues);
        }
    }

    /** A queue by vhost and name. */
    record QueueRef(String vhost, String name) {
    }
}
