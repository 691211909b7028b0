package io.warren.broker.admin;

import java.util.Map;

/**
 * A queue as an operator sees it: declaration, current depth and message totals, the policy in effect (null
 * for none) with its definition (empty for none), and its x-queue-type (classic, stream, ...).
 */
public record QueueView(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                        Map<String, Object> arguments, int ready, int unacked, int consumers, long readyBytes,
                        long published, long delivered, long got, long acked, long redelivered, String policy,
                        Map<String, Object> effectivePolicyDefinition, String type) {
    public int messages() {
        return ready + unacked;
    }
}
