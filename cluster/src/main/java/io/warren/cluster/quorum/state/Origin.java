package io.warren.cluster.quorum.state;

import java.util.Objects;

/**
 * Who sent an enqueue: a node and that node's process epoch, so that a restarted node's sequence numbers, which
 * start again, never look like duplicates of its earlier run's.
 */
public record Origin(String node, long epoch) {
    public Origin {
        Objects.requireNonNull(node, "node");
    }
}
