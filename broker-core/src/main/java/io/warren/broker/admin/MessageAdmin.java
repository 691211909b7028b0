package io.warren.broker.admin;

import io.netty.buffer.Unpooled;
import io.warren.broker.delayed.DelayHeader;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.RoutingScratch;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.BasicProperties;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Messages by hand: publish, get (inspect), purge, move between queues, re-drive a dead-letter queue. */
public final class MessageAdmin {
    private final TopologyAdmin topology;

    MessageAdmin(TopologyAdmin topology) {
        this.topology = topology;
    }

    /** Routes a message as a publish to the exchange would; returns whether any queue took it. */
    public boolean publish(String vhost, String exchange, String routingKey, BasicProperties properties,
                           byte[] body) {
        VirtualHost v = topology.vhost(vhost);
        ExchangeEntity x = v.exchange(TopologyAdmin.exchangeName(exchange));
        if (x == null) {
            throw AdminException.notFound("no exchange '%s' in vhost '%s'", exchange, vhost);
        }
        if (x.internal()) {
            throw new AdminException(AdminException.Kind.FORBIDDEN,
                    "cannot publish to internal exchange '" + exchange + "' in vhost '" + vhost + "'");
        }
        Map<String, Object> headers = properties.headers();
        long delay = x.delayed() == null ? 0 : DelayHeader.of(headers);
        if (delay > 0) {
            // held like one published over AMQP (the plugin would answer "not routed" here)
            x.delayed().hold(Message.withProperties(x.name(), routingKey, properties, Unpooled.wrappedBuffer(body)),
                    System.currentTimeMillis() + delay, null);
            return true;
        }
        Set<AmqpQueue> targets = new HashSet<>();
        Message m = Message.withProperties(x.name(), routingKey, properties, Unpooled.wrappedBuffer(body));
        v.route(x, routingKey, headers, m, targets, new RoutingScratch());
        if (targets.isEmpty()) {
            m.release();
            return false;
        }
        for (AmqpQueue q : targets) {
            Message ref = m.retain();
            q.execute(() -> q.enqueueAll(List.of(ref)));
        }
        m.release();
        return true;
    }

    /**
     * Takes up to count ready messages from the head of the queue and copies them out; with requeue they go
     * back to their places marked redelivered, without it they are gone (RabbitMQ's ackmode).
     */
    public CompletableFuture<List<GotMessage>> get(String vhost, String queue, int count, boolean requeue) {
        AmqpQueue q = topology.existingQueue(vhost, queue);
        return QueueCalls.later(q, (mq, result) -> new AdminGet(mq, count, requeue, result).run());
    }

    /** Drops the queue's ready messages; yields how many. */
    public CompletableFuture<Integer> purge(String vhost, String queue) {
        return QueueCalls.later(topology.existingQueue(vhost, queue), (mq, result) ->
                mq.purge(new AmqpQueue.PurgeAnswer() {
                    @Override
                    public void purged(int count) {
                        result.complete(count);
                    }

                    @Override
                    public void failed(io.warren.broker.error.AmqpException error) {
                        result.completeExceptionally(AdminException.from(error));
                    }
                }));
    }

    /**
     * Moves up to max ready messages (max &lt;= 0: all that are ready now) from one queue to the tail of another, in
     * order, keeping their exchange, routing key and properties; yields how many moved.
     */
    public CompletableFuture<Integer> move(String vhost, String from, String to, int max) {
        if (from.equals(to)) {
            throw AdminException.badRequest("cannot move messages from queue '%s' to itself", from);
        }
        AmqpQueue source = topology.existingQueue(vhost, from);
        AmqpQueue target = topology.existingQueue(vhost, to);
        return ChunkedTransfer.start(source, max, e -> target).thenApply(RedriveResult::moved);
    }

    /**
     * Sends each ready message of a dead-letter queue back to the queue its x-death header names (its most
     * recent death comes first, as RabbitMQ writes it). Messages without x-death, or whose queue no longer
     * exists, stay in the dead-letter queue, in order, behind any published meanwhile.
     */
    public CompletableFuture<RedriveResult> redrive(String vhost, String queue) {
        VirtualHost v = topology.vhost(vhost);
        AmqpQueue dlq = topology.existingQueue(vhost, queue);
        return ChunkedTransfer.start(dlq, 0, e -> {
            String origin = deathQueue(e.message());
            return origin == null || origin.equals(queue) ? null : v.queue(origin);
        });
    }

    /** The queue named by the first (most recent) x-death entry, or null. */
    static String deathQueue(Message m) {
        if (!m.hasHeaders()) {
            return null;
        }
        Map<String, Object> headers = m.properties().headers();
        Object deaths = headers == null ? null : headers.get("x-death");
        if (deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> death) {
            Object q = death.get("queue");
            return q == null ? null : q.toString();
        }
        return null;
    }
}
