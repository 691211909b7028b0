package io.warren.broker.admin;

/** A vhost's queues summed up: how many, and their ready and unacknowledged messages and consumers. */
public record QueueTotalsView(int queues, long ready, long unacked, long consumers) {
    public long messages() {
        return ready + unacked;
    }
}
