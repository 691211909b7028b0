package io.warren.broker.queue;

/**
 * Where a durable queue lives. On a single node, here; in a cluster, on its home node: a queue homed on another
 * node is made on this one as a proxy that forwards to it (the cluster module supplies the factory).
 */
public interface QueuePlacement {
    /**
     * Why quorum queues are refused where nothing makes them yet. Not "needs a cluster": a single RabbitMQ node has
     * quorum queues (of one member), so the honest reason is that Warren does not have them yet. Short, because
     * the reply text that carries it is cut at 255 bytes.
     */
    String QUORUM_NOT_YET = "quorum queues are not supported by Warren yet; declare the queue as classic (see "
            + "docs/quorum.md)";

    /** Every queue lives on this node. */
    QueuePlacement LOCAL = (vhost, queue, arguments) -> null;

    /**
     * The factory that makes a durable, non-exclusive queue that lives on another node (a proxy), or null when the
     * queue lives on this one: a queue known to the cluster lives on its home; a new one here, unless its arguments
     * (x-queue-leader-locator) place it elsewhere. Called by the vhost, under its lock, when the queue is made.
     */
    QueueFactory remoteFactory(String vhost, String queue, java.util.Map<String, Object> arguments);

    /**
     * For a queue that does not survive a restart (transient or exclusive): the factory of its proxy when the
     * cluster has it on another node, or null when it is made here. Such a queue is never placed elsewhere.
     */
    default QueueFactory recordedElsewhere(String vhost, String queue) {
        return null;
    }

    /**
     * The factory of quorum queues (x-queue-type 'quorum') here. The vhost calls it only for a declaration that
     * passed io.warren.broker.queue.quorum.QuorumDeclareRules, and never asks {@link #remoteFactory} about a quorum
     * queue: it has members, not a home node. A definitions import calls its check alone, with a declaration that
     * carries no loop, storage or dead-letter routing. By default none: the declaration is refused with a 406 giving
     * {@link #QUORUM_NOT_YET}.
     */
    default QueueFactory quorumQueues() {
        return QueueFactory.unavailable(QUORUM_NOT_YET);
    }
}
