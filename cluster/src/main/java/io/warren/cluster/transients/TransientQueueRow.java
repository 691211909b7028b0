package io.warren.cluster.transients;

/**
 * A queue that does not survive a restart (transient, or exclusive), as the cluster's log carries it: kept in
 * every node's memory and in the log's snapshots, never in a node's definitions store.
 *
 * @param node        its home: the node it was declared on, which holds its messages
 * @param incarnation the home node's run it belongs to (a restarted node is a new run, without it)
 * @param owner       for an exclusive queue, the owning connection as its node names it (else null)
 */
public record TransientQueueRow(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                                String argumentsJson, String node, String incarnation, String owner) {
}
