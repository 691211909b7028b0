package io.warren.cluster.quorum.state;

/** A quorum queue's counts as one replica sees them (for queue.declare-ok, the management API and metrics). */
public record QueueCounts(long ready, long readyBytes, long unacked, long unackedBytes, int consumers,
                          long deadLetterPending) {
}
