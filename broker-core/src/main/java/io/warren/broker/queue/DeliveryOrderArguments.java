package io.warren.broker.queue;

import static io.warren.broker.queue.InvalidQueueArgument.isInteger;
import static io.warren.broker.queue.InvalidQueueArgument.typeName;

import io.warren.broker.error.AmqpException;
import java.util.Map;

/**
 * The arguments that decide delivery order: a queue's x-max-priority and x-single-active-consumer, a consumer's
 * x-priority. Checked as RabbitMQ checks them (rabbit_amqqueue's declare and consume argument checks), with its
 * PRECONDITION_FAILED texts.
 */
public final class DeliveryOrderArguments {
    public static final String MAX_PRIORITY = "x-max-priority";
    public static final String SINGLE_ACTIVE_CONSUMER = "x-single-active-consumer";
    public static final String CONSUMER_PRIORITY = "x-priority";
    /** RabbitMQ's ?MAX_SUPPORTED_PRIORITY. */
    public static final int MAX_SUPPORTED_PRIORITY = 255;

    private DeliveryOrderArguments() {
    }

    /** Refuses a queue.declare whose x-max-priority or x-single-active-consumer is unusable. */
    public static void checkDeclare(Map<String, Object> arguments, String queue, String vhost) {
        Object max = arguments.get(MAX_PRIORITY);
        if (max != null) {
            if (!isInteger(max)) {
                throw invalid(MAX_PRIORITY, queue, vhost, "\"expected integer, got " + typeName(max) + "\"");
            }
            long value = ((Number) max).longValue();
            if (value < 0) {
                throw invalid(MAX_PRIORITY, queue, vhost, "{value_negative," + value + "}");
            }
            if (value > MAX_SUPPORTED_PRIORITY) {
                throw invalid(MAX_PRIORITY, queue, vhost, "{max_value_exceeded," + value + "}");
            }
        }
        Object sac = arguments.get(SINGLE_ACTIVE_CONSUMER);
        if (sac != null && !(sac instanceof Boolean)) {
            throw invalid(SINGLE_ACTIVE_CONSUMER, queue, vhost, "{unacceptable_type," + typeName(sac) + "}");
        }
    }

    /** Refuses a basic.consume whose x-priority is not an integer (a void one included, as RabbitMQ). */
    public static void checkConsume(Map<String, Object> arguments, String queue, String vhost) {
        Object p = arguments.get(CONSUMER_PRIORITY);
        if (arguments.containsKey(CONSUMER_PRIORITY) && !isInteger(p)) {
            throw invalid(CONSUMER_PRIORITY, queue, vhost, "\"expected integer, got " + typeName(p) + "\"");
        }
    }

    /** A checked queue's highest priority level; 0 for a queue without priorities. */
    public static int maxPriority(Map<String, Object> arguments) {
        Object max = arguments.get(MAX_PRIORITY);
        return isInteger(max) ? (int) Math.max(0, Math.min(MAX_SUPPORTED_PRIORITY, ((Number) max).longValue())) : 0;
    }

    /** True when a checked queue hands messages to one consumer at a time. */
    public static boolean singleActiveConsumer(Map<String, Object> arguments) {
        return Boolean.TRUE.equals(arguments.get(SINGLE_ACTIVE_CONSUMER));
    }

    /** A checked consumer's priority; 0 by default, as in RabbitMQ. */
    static int consumerPriority(Map<String, Object> arguments) {
        Object p = arguments.get(CONSUMER_PRIORITY);
        if (!isInteger(p)) {
            return 0;
        }
        long v = ((Number) p).longValue();
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static AmqpException invalid(String key, String queue, String vhost, String error) {
        return new InvalidQueueArgument(key, error).toReply(queue, vhost);
    }
}
