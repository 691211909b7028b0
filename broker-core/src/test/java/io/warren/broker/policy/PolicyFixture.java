package io.warren.broker.policy;

import io.warren.broker.RunningBroker;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * For tests of behaviour under a policy: set or clear one on a running broker, then wait until a queue has taken
 * it. A behaviour test reads e.g.
 * <pre>{@code
 * ch.queueDeclare("orders", false, false, false, null);
 * PolicyFixture.set(broker, "ttl", "^orders$", Map.of("message-ttl", 100));
 * PolicyFixture.awaitApplied(broker, "/", "orders");   // the queue has run applyPolicy
 * ch.basicPublish("", "orders", null, utf8("m"));
 * // ... await the expiry
 * }</pre>
 */
public final class PolicyFixture {
    private PolicyFixture() {
    }

    /** Sets a policy in vhost "/" that applies to all, with priority 0. */
    public static void set(RunningBroker b, String name, String pattern, Map<String, Object> definition) {
        set(b, "/", name, pattern, "all", 0, definition);
    }

    public static void set(RunningBroker b, String vhost, String name, String pattern, String applyTo, int priority,
                           Map<String, Object> definition) {
        vhost(b, vhost).setPolicy(Policy.of(vhost, name, pattern, applyTo, definition, priority));
    }

    public static void clear(RunningBroker b, String vhost, String name) {
        vhost(b, vhost).clearPolicy(name);
    }

    /**
     * Waits until the queue's loop has run everything handed to it so far, among them the policy changes made
     * before this call; returns the queue.
     */
    public static AmqpQueue awaitApplied(RunningBroker b, String vhost, String queue) {
        AmqpQueue q = vhost(b, vhost).existingQueue(queue);
        CompletableFuture<Void> done = new CompletableFuture<>();
        q.execute(() -> done.complete(null));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("queue '" + queue + "' did not run its pending work", e);
        }
        return q;
    }

    private static VirtualHost vhost(RunningBroker b, String vhost) {
        VirtualHost v = b.broker().vhost(vhost);
        if (v == null) {
            throw new IllegalArgumentException("no vhost '" + vhost + "'");
        }
        return v;
    }
}
