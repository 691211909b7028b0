package io.warren.broker.queue;

import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.util.Map;

/**
 * The queue types RabbitMQ has, which the x-queue-type argument names. Which of them Warren can make, and how,
 * is decided where queues are made (io.warren.broker.vhost.QueueFactories).
 */
public enum QueueType {
    /** The default: a FIFO queue on one node (io.warren.broker.queue.classic). */
    CLASSIC("classic"),
    /** An append-only log that consumers read from an offset, without taking messages away. */
    STREAM("stream"),
    /** A replicated queue: needs a cluster. */
    QUORUM("quorum");

    public static final String ARGUMENT = "x-queue-type";

    private final String argument;

    QueueType(String argument) {
        this.argument = argument;
    }

    /** The name x-queue-type gives it. */
    public String argument() {
        return argument;
    }

    /** The type x-queue-type selects (classic when absent); refuses a value that is not a string or no type. */
    public static QueueType of(Map<String, Object> arguments) {
        Object value = arguments.get(ARGUMENT);
        if (value == null) {
            return CLASSIC;
        }
        if (!(value instanceof LongString || value instanceof String)) {
            throw new InvalidQueueArgument(ARGUMENT, "{unacceptable_type," + FieldTables.typeName(value) + "}");
        }
        String name = value.toString();
        for (QueueType t : values()) {
            if (t.argument.equals(name)) {
                return t;
            }
        }
        throw new InvalidQueueArgument(ARGUMENT, "\"unsupported queue type '" + name + "'\"");
    }

    @Override
    public String toString() {
        return argument;
    }
}
