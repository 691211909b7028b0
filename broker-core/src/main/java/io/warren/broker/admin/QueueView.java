package io.warren.broker.admin;

import io.warren.broker.queue.StreamStatus;
import java.util.Map;

/**
 * A queue as an operator sees it: declaration, current depth and message totals, the policy in effect (null
 * for none) with its definition (empty for none), its x-queue-type (classic, stream, ...) and, for a stream, its
 * segments, offsets and consumers' positions (null for other queues).
 */
public record QueueView(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                        Map<String, Object> arguments, int ready, int unacked, int consumers, long readyBytes,
                        long published, long delivered, long got, long acked, long redelivered, String policy,
                        Map<String, Object> effectivePolicyDefinition, String type,
                        StreamStatus stream) {
    public int messages() {
        return ready + unacked;
    }
}
