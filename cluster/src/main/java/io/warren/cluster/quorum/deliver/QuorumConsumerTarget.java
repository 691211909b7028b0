package io.warren.cluster.quorum.deliver;

import io.warren.broker.message.Message;

/**
 * A quorum queue consumer's end on its own node: where the shard leader's deliveries for it arrive, whichever node
 * leads. Called on a link or Ratis thread: implementations hand the work to their queue's loop and return.
 */
public interface QuorumConsumerTarget {
    /**
     * A message checked out to this consumer. After a leader change the new leader sends again what the consumer
     * holds, so a msgId may arrive twice: the target drops one it already has (delivered and not yet settled).
     * The target takes over the message's reference.
     */
    void deliver(long msgId, boolean redelivered, int deliveryCount, Message message);

    /**
     * Messages checked out to this consumer, in order, as {@link #deliver} would take them one by one; the target
     * takes over every message's reference. Implementations hand the batch over as one piece of work, so that its
     * messages reach the consumer's channel together (one write and flush, not one per message).
     */
    default void deliverAll(java.util.List<DeliveryFrames.Delivery> batch) {
        for (DeliveryFrames.Delivery d : batch) {
            deliver(d.msgId(), d.redelivered(), d.deliveryCount(), d.message());
        }
    }

    /** The queue ended the consumer (its node was declared down, the queue deleted): basic.cancel to the client. */
    void cancelled(String why);

    /** With single active consumer: it became the active one (true) or waits (false). */
    default void activity(boolean active) {
    }
}
