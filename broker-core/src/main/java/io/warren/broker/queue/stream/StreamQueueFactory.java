package io.warren.broker.queue.stream;

import static io.warren.codec.ReplyCodes.INTERNAL_ERROR;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueFactory;
import io.warren.store.stream.StreamLog;
import io.warren.store.stream.StreamSettings;
import java.io.IOException;
import java.util.function.Consumer;

/** Makes streams: checks the declaration as RabbitMQ does, then opens (or recovers) the stream's log. */
public final class StreamQueueFactory implements QueueFactory {
    @Override
    public void check(QueueDeclaration d) {
        StreamDeclareRules.check(d.name(), d.vhost(), d.durable(), d.exclusive(), d.autoDelete(), d.arguments(), null);
    }

    @Override
    public AmqpQueue create(QueueDeclaration d, Consumer<AmqpQueue> record) {
        RetentionSettings retention = StreamDeclareRules.check(d.name(), d.vhost(), d.durable(), d.exclusive(),
                d.autoDelete(), d.arguments(), null);
        StreamLog log;
        try {
            log = d.storage().openStream(d.vhost(), d.name(),
                    StreamSettings.defaults().withMaxSegmentBytes(retention.maxSegmentSizeBytes()));
        } catch (IOException | RuntimeException e) {
            throw AmqpException.connection(INTERNAL_ERROR, "cannot open the stream '%s' in vhost '%s': %s",
                    d.name(), d.vhost(), e.getMessage());
        }
        StreamQueue q = new StreamQueue(d, log, retention);
        try {
            record.accept(q);
        } catch (RuntimeException e) {
            // not recorded, so not declared: its log must not stay open without a queue
            try {
                log.close();
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return q;
    }
}
