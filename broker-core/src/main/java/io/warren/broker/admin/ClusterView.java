package io.warren.broker.admin;

import java.util.List;
import java.util.function.Supplier;

/**
 * What tools see of the cluster this node belongs to, and the membership changes they may ask for. A broker
 * started without cluster flags is a cluster of one ({@link #singleNode()}); the cluster module supplies the rest.
 */
public interface ClusterView {
    /** This node's name, e.g. warren@host. */
    String nodeName();

    /** Whether this node runs in a cluster (false: a cluster of one, with no replication). */
    boolean clustered();

    /** Every member, this node included. */
    List<ClusterNodeView> nodes();

    /** The node a queue lives on: the one it was declared on in a cluster, else this node. */
    String queueNode(String vhost, String queue);

    /**
     * Adds a node (already started, listening for cluster traffic at host:port) to the cluster; returns once a
     * majority has agreed. Throws {@link AdminException} when it cannot.
     */
    void addNode(String name, String address);

    /** Removes a node from the cluster; returns once a majority has agreed. */
    void removeNode(String name);

    /**
     * Every other member as its last status report showed it, a member not heard from for a few seconds as not
     * running. A node not in a cluster has none.
     */
    default List<NodeStatusView> otherNodes() {
        return List.of();
    }

    /** Whether a member is running as far as this node knows: itself always, others while they report. */
    default boolean running(String node) {
        return node.equals(nodeName());
    }

    /**
     * The listeners this node tells the other members of (the management API's and the AMQP ones), read each time
     * it reports; until this is called it announces its AMQP listeners only. A node not in a cluster ignores it.
     */
    default void announceListeners(Supplier<List<ListenerView>> listeners) {
    }

    /**
     * The consumers whose clients are connected to the other running members: of one queue (vhost and queue given),
     * of one vhost (queue null) or of every vhost (both null), asked of those members now. A member that does not
     * answer within about 2 seconds is left out. A node not in a cluster has none.
     */
    default List<NodeConsumerView> otherNodesConsumers(String vhost, String queue) {
        return List.of();
    }

    /**
     * A quorum queue's shard, leader, members and (when this node replicates it) Raft figures; null for a queue that
     * is not a quorum queue, or one this node does not know yet. A node not in a cluster has none.
     */
    default QuorumQueueView quorumQueue(String vhost, String queue) {
        return null;
    }

    /** A node not in a cluster: itself its only member. */
    static ClusterView singleNode(String nodeName) {
        return new ClusterView() {
            @Override
            public String nodeName() {
                return nodeName;
            }

            @Override
            public boolean clustered() {
                return false;
            }

            @Override
            public List<ClusterNodeView> nodes() {
                return List.of(new ClusterNodeView(nodeName, null, "leader", true, true));
            }

            @Override
            public String queueNode(String vhost, String queue) {
                return nodeName;
            }

            @Override
            public void addNode(String name, String address) {
                throw AdminException.badRequest("this node was started without cluster flags (--cluster-port, "
                        + "--cluster-nodes): it cannot take other nodes; restart it as a cluster node first");
            }

            @Override
            public void removeNode(String name) {
                throw AdminException.badRequest("this node is not in a cluster: there is no node '%s' to remove",
                        name);
            }
        };
    }
}
