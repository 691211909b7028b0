package io.warren.broker.queue.stream;

import static io.warren.codec.ReplyCodes.NOT_IMPLEMENTED;
import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What basic.consume and basic.get on a stream must satisfy, with RabbitMQ's reply codes and texts
 * (rabbit_stream_queue:consume and dequeue, rabbit_channel's global-qos refusal). The consumer's arguments are
 * checked first, as rabbit_amqqueue checks them before the queue type sees the consume; then a stream consumer
 * needs a prefetch (406), manual acknowledgements (540) and no channel-wide (global) prefetch (540). The consumer
 * arguments of other queue types (x-priority, x-cancel-on-ha-failover) are refused as RabbitMQ 3.12 and later
 * refuse them on a stream.
 */
public final class StreamConsumeRules {
    /** Consumer arguments only other queue types use. */
    public static final List<String> REFUSED_ARGUMENTS = List.of("x-priority", "x-cancel-on-ha-failover");

    private StreamConsumeRules() {
    }

    /**
     * Checks a basic.consume on the stream and reads its stream arguments.
     *
     * @param consumerPrefetch the prefetch the consumer gets from basic.qos with global=false (0: none)
     * @param globalPrefetch   the channel-wide prefetch from basic.qos with global=true (0: none)
     * @param queueArguments   the stream's own declare arguments (for x-single-active-consumer)
     */
    public static StreamConsumerArguments checkConsume(String queue, String vhost, String consumerTag,
                                                       int consumerPrefetch, int globalPrefetch, boolean noAck,
                                                       Map<String, Object> consumerArguments,
                                                       Map<String, Object> queueArguments, Clock clock) {
        StreamConsumerArguments parsed;
        try {
            StreamOffsetSpec start = StreamOffsetSpec.parse(consumerArguments, clock);
            StreamFilter filter = StreamFilter.from(consumerArguments);
            ConsumerGroup group = ConsumerGroup.of(consumerArguments, queueArguments);
            OffsetTracking tracking = OffsetTracking.of(consumerArguments, consumerTag, group);
            parsed = new StreamConsumerArguments(start, filter, group, tracking);
        } catch (InvalidStreamArgument e) {
            throw e.toReply(queue, vhost);
        }
        String rs = ErlangTerms.queue(queue, vhost);
        for (String refused : REFUSED_ARGUMENTS) {
            if (consumerArguments != null && consumerArguments.containsKey(refused)) {
                throw StreamDeclareRules.notForStreams(refused, rs);
            }
        }
        if (consumerPrefetch <= 0) {
            throw AmqpException.channel(PRECONDITION_FAILED, "consumer prefetch count is not set for stream %s", rs);
        }
        if (noAck) {
            throw AmqpException.connection(NOT_IMPLEMENTED, "automatic acknowledgement not supported by stream %s",
                    rs);
        }
        if (globalPrefetch > 0) {
            throw AmqpException.connection(NOT_IMPLEMENTED, "%s does not support global qos", rs);
        }
        return parsed;
    }

    /** RabbitMQ's refusal of queue.purge on a stream (rabbit_channel), which closes the connection. */
    public static AmqpException refusePurge(String queue, String vhost) {
        return AmqpException.connection(NOT_IMPLEMENTED, "queue.purge not supported by stream queues %s",
                ErlangTerms.queue(queue, vhost));
    }

    /** The refusal of a basic.get on a stream: 540 NOT_IMPLEMENTED, which closes the connection. */
    public static AmqpException refuseGet(String queue, String vhost) {
        return AmqpException.connection(NOT_IMPLEMENTED, "basic.get not supported by stream queues %s",
                ErlangTerms.queue(queue, vhost));
    }
}
