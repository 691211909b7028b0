package io.warren.broker.queue;

import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.util.Map;

/**
 * The x-queue-type a new queue may have. Only classic queues exist so far, so this is the one place that refuses
 * the others; it goes once queue types live behind their own boundary.
 */
public final class QueueTypes {
    public static final String ARGUMENT = "x-queue-type";
    public static final String CLASSIC = "classic";

    private QueueTypes() {
    }

    /** Refuses an x-queue-type that is not a string, not a RabbitMQ queue type, or one Warren cannot run yet. */
    public static void checkSupported(Map<String, Object> arguments) {
        if (!arguments.containsKey(ARGUMENT)) {
            return;
        }
        Object value = arguments.get(ARGUMENT);
        if (!(value instanceof LongString || value instanceof String)) {
            throw new InvalidQueueArgument(ARGUMENT, "{unacceptable_type," + FieldTables.typeName(value) + "}");
        }
        String type = value.toString();
        switch (type) {
            case CLASSIC -> {
            }
            case "quorum", "stream" -> throw new InvalidQueueArgument(ARGUMENT, "\"queue type '" + type
                    + "' is not supported yet: declare the queue without x-queue-type, or with 'classic'\"");
            default -> throw new InvalidQueueArgument(ARGUMENT, "\"unsupported queue type '" + type + "'\"");
        }
    }
}
