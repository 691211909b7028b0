package io.warren.server.jepsen;

import java.time.Instant;

/**
 * One fault the nemesis made: its kind, the node it hit, when it began and ended (wall clock for the log,
 * System.nanoTime() for measuring against the history) and how long it was held.
 */
public record FaultRecord(int number, Fault kind, int node, String target, Instant began, long beganNanos,
        long endedNanos) {
    public double heldSeconds() {
        return (endedNanos - beganNanos) / 1e9;
    }
}
