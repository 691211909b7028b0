package io.warren.broker.queue.stream;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.QueueTypeProperties;
import io.warren.codec.FieldTables;
import java.util.List;
import java.util.Map;

/**
 * What a queue.declare of a stream (x-queue-type "stream") must satisfy, checked in RabbitMQ's order with its
 * 406 PRECONDITION_FAILED texts: a name (no server-named streams), then the values of the arguments a stream
 * uses (rabbit_amqqueue's declare checks), then the arguments only other queue types use, then the properties
 * (rabbit_queue_type_util: auto-delete, exclusive, non-durable), then the segment and filter sizes
 * (rabbit_stream_queue:declare).
 *
 * <p>The arguments refused are those RabbitMQ 3.12 and later refuse on a stream, with its text ("invalid arg
 * 'x-overflow' for queue 'q' in vhost '/' of queue type rabbit_stream_queue"), plus the deduplication plugin's.
 * Two that RabbitMQ refuses are accepted: x-max-length (LavinMQ's count limit, see {@link RetentionSettings}) and
 * x-single-active-consumer (see {@link ConsumerGroup}). Arguments no queue type knows are left alone, as there.
 */
public final class StreamDeclareRules {
    /** RabbitMQ's ?MAX_STREAM_MAX_SEGMENT_SIZE: 3 GB. */
    public static final long MAX_SEGMENT_SIZE_BYTES = 3_000_000_000L;
    public static final String FILTER_SIZE_BYTES = "x-stream-filter-size-bytes";
    /** The queue type's name in RabbitMQ's texts. */
    public static final String TYPE = "rabbit_stream_queue";

    /** Queue arguments only other queue types use, in the order they are checked. */
    public static final List<String> REFUSED_ARGUMENTS = List.of("x-expires", "x-message-ttl",
            "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy", "x-max-priority",
            "x-overflow", "x-delivery-limit", "x-queue-mode", "x-queue-version", "x-queue-master-locator",
            "x-max-in-memory-length", "x-max-in-memory-bytes", "x-quorum-initial-group-size",
            "x-quorum-target-group-size", "x-message-deduplication");

    private StreamDeclareRules() {
    }

    /**
     * Refuses a stream declaration RabbitMQ would refuse, or one carrying another queue type's argument; returns the
     * retention the arguments and policy (which may be null) give the stream.
     */
    public static RetentionSettings check(String queue, String vhost, boolean durable, boolean exclusive,
                                          boolean autoDelete, Map<String, Object> arguments,
                                          Map<String, Object> policy) {
        Map<String, Object> args = arguments == null ? Map.of() : arguments;
        if (queue.isEmpty()) {
            // a stream outlives its declaring connection, so a generated name nobody knows would be lost
            throw AmqpException.channel(PRECONDITION_FAILED, "Cannot declare a server-named queue for type %s", TYPE);
        }
        RetentionSettings retention;
        try {
            retention = RetentionSettings.from(args, policy);
            checkSingleActiveConsumer(args);
            checkFilterSizeType(args);
        } catch (InvalidStreamArgument e) {
            throw e.toReply(queue, vhost);
        }
        String rs = ErlangTerms.queue(queue, vhost);
        for (String refused : REFUSED_ARGUMENTS) {
            if (args.containsKey(refused)) {
                throw notForStreams(refused, rs);
            }
        }
        QueueTypeProperties.check(queue, vhost, durable, exclusive, autoDelete);
        Object segment = args.get(RetentionSettings.MAX_SEGMENT_SIZE_BYTES);
        if (segment != null && ((Number) segment).longValue() > MAX_SEGMENT_SIZE_BYTES) {
            throw AmqpException.channel(PRECONDITION_FAILED,
                    "Exceeded max value for x-stream-max-segment-size-bytes");
        }
        Object filterSize = args.get(FILTER_SIZE_BYTES);
        if (filterSize != null && (((Number) filterSize).longValue() > 255
                || ((Number) filterSize).longValue() < 16)) {
            // RabbitMQ's text, two spaces and all
            throw AmqpException.channel(PRECONDITION_FAILED, "Invalid value for  x-stream-filter-size-bytes");
        }
        return retention;
    }

    /** RabbitMQ's refusal of an argument the queue type does not take. */
    static AmqpException notForStreams(String argument, String rs) {
        return AmqpException.channel(PRECONDITION_FAILED, "invalid arg '%s' for %s of queue type %s", argument, rs,
                TYPE);
    }

    private static void checkSingleActiveConsumer(Map<String, Object> args) {
        String key = "x-single-active-consumer";
        if (args.containsKey(key) && !(args.get(key) instanceof Boolean)) {
            throw new InvalidStreamArgument(key, "{unacceptable_type," + FieldTables.typeName(args.get(key)) + "}");
        }
    }

    // Warren filters exactly, without RabbitMQ's Bloom filter, so the size is accepted and has no effect
    private static void checkFilterSizeType(Map<String, Object> args) {
        if (args.containsKey(FILTER_SIZE_BYTES)) {
            RetentionSettings.nonNegative(args, FILTER_SIZE_BYTES);
        }
    }
}
