package io.warren.cluster.link;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueConsumer;
import io.warren.codec.ReplyCodes;

/**
 * The checks a home queue makes of a consumer from another node, with the words a channel on the home node uses
 * (RabbitMQ's): the queue gone, or in exclusive use by a consumer of any node. On the queue's loop.
 */
final class ConsumeChecks {
    private ConsumeChecks() {
    }

    /** Why the queue cannot take the consumer now, or null when it can. */
    static AmqpException refusal(AmqpQueue q, QueueConsumer consumer) {
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
