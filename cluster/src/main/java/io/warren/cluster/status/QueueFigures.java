package io.warren.cluster.status;

/**
 * One queue's figures as its home node reports them: depth, consumers (on every node) and message totals, from
 * which the other nodes' management API shows the queue and its rates.
 */
public record QueueFigures(String vhost, String name, int ready, int unacked, int consumers, long readyBytes,
                           long published, long delivered, long got, long acked, long redelivered) {
}
