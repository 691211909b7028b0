package io.warren.broker.admin;

import io.warren.broker.queue.StreamConsumerStatus;
import java.util.Map;

/**
 * One consumer on a queue, and the channel it belongs to; active and activityStatus as RabbitMQ reports them
 * (false and "waiting" for a single active consumer's stand-bys); a stream consumer's position in stream (null
 * for other queues).
 */
public record ConsumerView(String vhost, String queue, String tag, boolean ackRequired, boolean exclusive,
                           int prefetchCount, Map<String, Object> arguments, String connectionName,
                           int channelNumber, String user, boolean active, String activityStatus,
                           StreamConsumerStatus stream) {
}
