package io.warren.cluster.quorum.state;

/**
 * What the state keeps of one message: its id (its place in the queue and its key in the body store), size,
 * expiry time, priority lane and delivery history. Mutable only by its queue's apply.
 */
final class MessageRef {
    /** expiresAt of a message that never expires. */
    static final long NEVER = Long.MAX_VALUE;

    final long msgId;
    final long size;
    final long expiresAt;
    final boolean high;
    int deliveryCount;
    boolean redelivered;

    MessageRef(long msgId, long size, long expiresAt, boolean high, int deliveryCount, boolean redelivered) {
        this.msgId = msgId;
        this.size = size;
        this.expiresAt = expiresAt;
        this.high = high;
        this.deliveryCount = deliveryCount;
        this.redelivered = redelivered;
    }

    /** As RabbitMQ's quorum queues: a message's expiry passes strictly after its time, so TTL 0 can still deliver. */
    boolean expiredAt(long now) {
        return expiresAt != NEVER && now > expiresAt;
    }
}
