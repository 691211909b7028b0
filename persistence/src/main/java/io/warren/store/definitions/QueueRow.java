package io.warren.store.definitions;

/**
 * A stored (durable, non-exclusive) queue; arguments are a JSON text the store does not interpret.
 *
 * @param node the cluster node the queue lives on (its home), or null for a broker that is not in a cluster
 */
public record QueueRow(String vhost, String name, boolean autoDelete, String argumentsJson, String node) {
    /** A queue of a broker that is not in a cluster. */
    public QueueRow(String vhost, String name, boolean autoDelete, String argumentsJson) {
        this(vhost, name, autoDelete, argumentsJson, null);
    }

    /** The same queue with its home node. */
    public QueueRow withNode(String home) {
        return new QueueRow(vhost, name, autoDelete, argumentsJson, home);
    }
}
