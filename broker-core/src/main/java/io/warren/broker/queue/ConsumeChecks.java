package io.warren.broker.queue;

import io.warren.broker.error.AmqpException;
import io.warren.codec.ReplyCodes;

/**
 * The checks a queue makes of a new consumer, a channel's here or one from another node, with RabbitMQ's words: the
 * queue gone, or in exclusive use by a consumer of any node. On the queue's loop.
 */
public final class ConsumeChecks {
    private ConsumeChecks() {
    }

    /** Why the queue cannot take the consumer now, or null when it can. */
    public static AmqpException refusal(AmqpQueue q, QueueConsumer consumer) {
        if (q.isDeleted()) {
            return AmqpException.channel(ReplyCodes.NOT_FOUND, "no queue '%s' in vhost '%s'", q.name(), q.vhost());
        }
        if (q.hasExclusiveConsumer() || consumer.exclusive() && (q.consumerCount() > 0 || q.singleActiveConsumer())) {
            return AmqpException.channel(ReplyCodes.ACCESS_REFUSED, "queue '%s' in vhost '%s' in exclusive use",
                    q.name(), q.vhost());
        }
        return null;
    }
}
