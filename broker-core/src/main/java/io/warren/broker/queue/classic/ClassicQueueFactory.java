package io.warren.broker.queue.classic;

import static io.warren.codec.ReplyCodes.INTERNAL_ERROR;
import static io.warren.codec.ReplyCodes.RESOURCE_LOCKED;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueFactory;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** Makes classic queues: a durable one opens its message log first (recovering what it holds). */
public final class ClassicQueueFactory implements QueueFactory {
    @Override
    public AmqpQueue create(QueueDeclaration d, Consumer<AmqpQueue> record) {
        // an exclusive queue dies with its connection, so its messages never outlive a restart either
        QueueLog log = d.persistsMessages() ? openLog(d) : null;
        MessageQueue q;
        try {
            q = new MessageQueue(d, log);
        } catch (UncheckedIOException e) {
            // a priority queue's other logs could not be opened
            closeLog(log);
            throw AmqpException.connection(INTERNAL_ERROR, "cannot open the message logs of queue '%s' in vhost "
                    + "'%s': %s", d.name(), d.vhost(), e.getCause().getMessage());
        }
        try {
            record.accept(q);
        } catch (RuntimeException e) {
            // not recorded, so not declared: its log must not stay open without a queue
            closeLog(log);
            throw e;
        }
        return q;
    }

    private static QueueLog openLog(QueueDeclaration d) {
        try {
            return d.storage().durableLog(d.vhost(), d.name());
        } catch (IllegalStateException e) {
            // the queue of that name was deleted a moment ago and its thread is still removing its log
            throw AmqpException.channel(RESOURCE_LOCKED, "queue '%s' in vhost '%s' is still being deleted; declare "
                    + "it again in a moment", d.name(), d.vhost());
        } catch (IOException e) {
            throw AmqpException.connection(INTERNAL_ERROR, "cannot open the message log of queue '%s' in vhost '%s': %s",
                    d.name(), d.vhost(), e.getMessage());
        }
    }

    private static void closeLog(QueueLog log) {
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                // the declaration fails anyway; the log is recovered from its files next time
            }
        }
    }
}
