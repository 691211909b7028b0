package io.warren.cluster.quorum.state;

import java.util.Objects;

/**
 * What a quorum queue's effective arguments (its own over its policy's) mean to its state: length limits and what
 * happens over them, the delivery limit, dead-lettering, message TTL and single active consumer. -1 means not set,
 * except that a delivery limit of -1 means unlimited, as in RabbitMQ 4, whose default limit is 20.
 */
public record QueueConfig(long maxLength, long maxLengthBytes, Overflow overflow, long deliveryLimit,
                          boolean deadLetterExchange, DeadLetterStrategy deadLetterStrategy, long messageTtl,
                          boolean singleActiveConsumer) {
    /** RabbitMQ 4's default for x-delivery-limit. */
    public static final long DEFAULT_DELIVERY_LIMIT = 20;
    /** A queue declared without arguments. */
    public static final QueueConfig DEFAULT = new QueueConfig(-1, -1, Overflow.DROP_HEAD, DEFAULT_DELIVERY_LIMIT,
            false, DeadLetterStrategy.AT_MOST_ONCE, -1, false);

    /** x-overflow as quorum queues know it (they refuse reject-publish-dlx, as RabbitMQ does). */
    public enum Overflow { DROP_HEAD, REJECT_PUBLISH }

    /** x-dead-letter-strategy. */
    public enum DeadLetterStrategy { AT_MOST_ONCE, AT_LEAST_ONCE }

    public QueueConfig {
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(deadLetterStrategy, "deadLetterStrategy");
        if (deliveryLimit < -1) {
            throw new IllegalArgumentException("delivery limit " + deliveryLimit + " is below -1 (unlimited)");
        }
    }

    /**
     * True when dead letters stay in the queue until their targets confirm them. As in RabbitMQ this needs a
     * dead-letter exchange and x-overflow reject-publish (otherwise drop-head could drop what is still owed, and
     * the queue falls back to at-most-once).
     */
    public boolean deadLettersAtLeastOnce() {
        return deadLetterExchange && deadLetterStrategy == DeadLetterStrategy.AT_LEAST_ONCE
                && overflow == Overflow.REJECT_PUBLISH;
    }

    /** True when this many messages and bytes are more than the limits allow. */
    boolean overLength(long count, long bytes) {
        return (maxLength >= 0 && count > maxLength) || (maxLengthBytes >= 0 && bytes > maxLengthBytes);
    }

    /** True when one more message of this size would not fit (what reject-publish refuses). */
    boolean wouldOverflow(long count, long bytes, long size) {
        return (maxLength >= 0 && count + 1 > maxLength) || (maxLengthBytes >= 0 && bytes + size > maxLengthBytes);
    }

    /** True when a message returned this many times has had more deliveries than the limit allows. */
    boolean pastDeliveryLimit(int deliveryCount) {
        return deliveryLimit >= 0 && deliveryCount > deliveryLimit;
    }
}
