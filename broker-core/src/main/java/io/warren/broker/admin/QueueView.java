package io.warren.broker.admin;

import java.util.Map;

/** A queue as an operator sees it: declaration, current depth and message totals. */
public record QueueView(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                        Map<String, Object> arguments, int ready, int unacked, int consumers, long readyBytes,
                        long published, long delivered, long got, long acked, long redelivered) {
    public int messages() {
        return ready + unacked;
    }
}
