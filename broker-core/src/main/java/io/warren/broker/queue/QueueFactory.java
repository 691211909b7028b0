package io.warren.broker.queue;

import java.util.function.Consumer;

/** Makes the queues of one {@link QueueType}. Called by the vhost, under its lock. */
public interface QueueFactory {
    /**
     * Refuses, before anything is made, what this type cannot be declared with (an {@link InvalidQueueArgument},
     * which the declaring client gets as a 406).
     */
    default void check(QueueDeclaration declaration) {
    }

    /**
     * A new queue as declared. record writes the declaration down before the queue is used anywhere; if it throws,
     * the factory undoes what it opened for the queue and lets the exception through.
     */
    AmqpQueue create(QueueDeclaration declaration, Consumer<AmqpQueue> record);

    /** A type Warren cannot make yet: declaring one is refused with a 406 giving the reason. */
    static QueueFactory unavailable(String reason) {
        return new QueueFactory() {
            @Override
            public void check(QueueDeclaration declaration) {
                throw new InvalidQueueArgument(QueueType.ARGUMENT, "\"" + reason + "\"");
            }

            @Override
            public AmqpQueue create(QueueDeclaration declaration, Consumer<AmqpQueue> record) {
                check(declaration);
                throw new IllegalStateException(reason);
            }
        };
    }
}
