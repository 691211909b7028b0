package io.warren.cluster.quorum.deliver;

import io.warren.broker.Broker;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueType;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.quorum.raft.ExpiryDriver;
import io.warren.cluster.quorum.state.QueueKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * x-expires of quorum queues through the shard leader's own broker: the setting in force is the queue object's
 * effective {@code x-expires} (its argument, or the lower of it and a policy's {@code expires}), and a deletion is
 * the queue's auto-delete path, which removes it through the definitions log, so every node deletes it and the
 * shard detaches it.
 */
public final class BrokerQueueExpiry implements ExpiryDriver.Queues {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerQueueExpiry.class);
    private final Broker broker;

    public BrokerQueueExpiry(Broker broker) {
        this.broker = broker;
    }

    @Override
    public long expires(QueueKey queue) {
        VirtualHost vhost = broker.vhost(queue.vhost());
        AmqpQueue q = vhost == null ? null : vhost.queue(queue.name());
        if (q == null) {
            return UNKNOWN; // not applied here yet, or deleted here and not yet in the shard
        }
        if (q.type() != QueueType.QUORUM) {
            return -1;
        }
        Object v = q.effectiveArguments().get("x-expires");
        // the declare rules and policy validation let only positive integers through
        return v instanceof Number n && n.longValue() > 0 ? n.longValue() : -1;
    }

    @Override
    public void expire(QueueKey queue, long unusedMs) {
        AmqpQueue q = quorumQueue(queue);
        if (q == null) {
            return;
        }
        try {
            q.execute(() -> {
                if (!q.isDeleted()) {
                    LOG.info("{} expired: unused for {} ms (x-expires)", q, unusedMs);
                    q.declaration().onAutoDelete().accept(q);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("{} not expired: {}", q, e.toString()); // its loop has stopped: the node is closing
        }
    }

    private AmqpQueue quorumQueue(QueueKey queue) {
        VirtualHost vhost = broker.vhost(queue.vhost());
        AmqpQueue q = vhost == null ? null : vhost.queue(queue.name());
        return q != null && q.type() == QueueType.QUORUM ? q : null;
    }
}
