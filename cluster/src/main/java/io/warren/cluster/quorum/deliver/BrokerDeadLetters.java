package io.warren.cluster.quorum.deliver;

import io.warren.broker.Broker;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.DeadLetterer;
import io.warren.broker.queue.DeathReason;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.quorum.state.QueueKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters a quorum queue's messages (at most once) through the shard leader's own broker, as a classic queue
 * does: on the queue object's thread, with its effective dead-letter exchange and routing key, x-death headers and
 * all, to whatever queues that reaches on any node. A queue this node has no object for (not known here yet, or
 * deleted meanwhile) or no dead-letter exchange any more drops the message and says so.
 */
public final class BrokerDeadLetters implements QuorumDeliveries.DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerDeadLetters.class);
    private final Broker broker;

    public BrokerDeadLetters(Broker broker) {
        this.broker = broker;
    }

    @Override
    public void deadLetter(QueueKey queue, Message message, DeathReason reason) {
        VirtualHost vhost = broker.vhost(queue.vhost());
        AmqpQueue source = vhost == null ? null : vhost.queue(queue.name());
        if (source == null) {
            message.release();
            LOG.warn("a dead letter ({}) of {} was dropped: the queue is not known on this node", reason, queue);
            return;
        }
        try {
            source.execute(() -> route(vhost, source, message, reason));
        } catch (RuntimeException e) {
            message.release(); // the queue's loop has stopped: the node is closing
            LOG.warn("a dead letter ({}) of {} was dropped: {}", reason, queue, e.toString());
        }
    }

    /** At least once: on the queue's thread; no queue object or dead-letter exchange here yet means no route. */
    @Override
    public void deadLetterConfirmed(QueueKey queue, Message message, DeathReason reason,
                                    java.util.function.Consumer<DeadLetterer.Confirmed> done) {
        VirtualHost vhost = broker.vhost(queue.vhost());
        AmqpQueue source = vhost == null ? null : vhost.queue(queue.name());
        if (source == null) {
            message.release();
            done.accept(DeadLetterer.Confirmed.NO_ROUTE);
            return;
        }
        try {
            source.execute(() -> {
                QueueSettings settings = QueueSettings.forPolicy(source, source.policyName(),
                        source.effectiveArguments());
                if (settings == null || settings.deadLetterExchange() == null) {
                    message.release();
                    done.accept(DeadLetterer.Confirmed.NO_ROUTE);
                    return;
                }
                new DeadLetterer(source, vhost).deadLetterConfirmed(message, reason, settings, done);
            });
        } catch (RuntimeException e) {
            message.release(); // the queue's loop has stopped: the node is closing; a later leader sends it
            done.accept(DeadLetterer.Confirmed.NOT_TAKEN);
        }
    }

    private static void route(VirtualHost vhost, AmqpQueue source, Message message, DeathReason reason) {
        QueueSettings settings = QueueSettings.forPolicy(source, source.policyName(), source.effectiveArguments());
        if (settings == null || settings.deadLetterExchange() == null) {
            message.release();
            LOG.warn("a dead letter ({}) of {} was dropped: the queue has no dead-letter exchange", reason, source);
            return;
        }
        new DeadLetterer(source, vhost).deadLetter(message, reason, settings);
    }
}
