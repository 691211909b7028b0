package io.warren.broker.queue;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a queue is declared as, and what its vhost hands every new queue whatever its type: the event loop that
 * owns it, what it calls to remove itself (auto-delete, x-expires), the broker's storage and dead-letter routing.
 * exclusiveOwner is the connection that owns an exclusive queue, or null.
 */
public record QueueDeclaration(String name, String vhost, boolean durable, boolean exclusive, boolean autoDelete,
                               Map<String, Object> arguments, Object exclusiveOwner, EventExecutor loop,
                               Consumer<AmqpQueue> onAutoDelete, QueueStorage storage,
                               DeadLetterRouting deadLetterRouting) {
    /** True when the queue's persistent messages must survive a restart (durable, not exclusive). */
    public boolean persistsMessages() {
        return durable && !exclusive;
    }
}
