package io.warren.cluster.quorum.state;

import java.util.Objects;

/**
 * A consumer (or a basic.get caller holding unacknowledged messages) of a quorum queue: the node it is on, that
 * node's process epoch and an id unique on that node, so that a node's loss finds all of its consumers.
 */
public record ConsumerKey(String node, long epoch, long id) {
    public ConsumerKey {
        Objects.requireNonNull(node, "node");
    }
}
