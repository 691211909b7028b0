package io.warren.broker.queue;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;

/**
 * The queue properties that replicated queue types (streams, quorum queues) refuse, checked as RabbitMQ's
 * rabbit_queue_type_util checks them, in its order and with its words: auto-delete, exclusive, non-durable.
 */
public final class QueueTypeProperties {
    private QueueTypeProperties() {
    }

    /** Refuses (406) an auto-delete, exclusive or non-durable declaration of a queue of such a type. */
    public static void check(String queue, String vhost, boolean durable, boolean exclusive, boolean autoDelete) {
        String rs = "queue '" + queue + "' in vhost '" + vhost + "'";
        if (autoDelete) {
            throw AmqpException.channel(PRECONDITION_FAILED, "invalid property 'auto-delete' for %s", rs);
        }
        if (exclusive) {
            throw AmqpException.channel(PRECONDITION_FAILED, "invalid property 'exclusive-owner' for %s", rs);
        }
        if (!durable) {
            throw AmqpException.channel(PRECONDITION_FAILED, "invalid property 'non-durable' for %s", rs);
        }
    }
}
