package io.warren.broker.admin;

import io.warren.broker.Broker;
import io.warren.broker.definitions.DefinitionRules;
import io.warren.broker.delayed.DelayedExchangeType;
import io.warren.broker.error.AmqpException;
import io.warren.broker.policy.Policy;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.stats.QueueCounters;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.VirtualHost;
import io.warren.routing.Routers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Exchanges, queues and bindings: listing, declaring and deleting them. */
public final class TopologyAdmin {
    /** The API's name for the default exchange, whose real name is empty. */
    public static final String DEFAULT_EXCHANGE_ALIAS = "amq.default";

    private final Broker broker;

    TopologyAdmin(Broker broker) {
        this.broker = broker;
    }

    VirtualHost vhost(String name) {
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw AdminException.notFound("no vhost '%s'", name);
        }
        return v;
    }

    static String exchangeName(String apiName) {
        return DEFAULT_EXCHANGE_ALIAS.equals(apiName) ? "" : apiName;
    }

    // ---- exchanges ----

    /** Every exchange type a declaration may name: the routers' own, then x-delayed-message built on them. */
    public List<String> exchangeTypes() {
        List<String> types = new ArrayList<>(Routers.TYPES);
        types.add(DelayedExchangeType.NAME);
        return List.copyOf(types);
    }

    public List<ExchangeView> exchanges(String vhost) {
        VirtualHost v = vhost(vhost);
        List<ExchangeView> out = new ArrayList<>();
        for (ExchangeEntity x : v.exchanges()) {
            out.add(view(v, x));
        }
        out.sort(Comparator.comparing(ExchangeView::name));
        return out;
    }

    /** The exchange, or null; "amq.default" names the default exchange. */
    public ExchangeView exchange(String vhost, String name) {
        VirtualHost v = vhost(vhost);
        ExchangeEntity x = v.exchange(exchangeName(name));
        return x == null ? null : view(v, x);
    }

    private static ExchangeView view(VirtualHost v, ExchangeEntity x) {
        return new ExchangeView(v.name(), x.name(), x.type(), x.durable(), x.autoDelete(), x.internal(),
                x.arguments(), x.policy() == null ? null : x.policy().name(),
                x.delayed() == null ? null : x.delayed().count());
    }

    /** The soonest messages a delayed exchange holds, up to limit, in due order; not found for other exchanges. */
    public CompletableFuture<List<DelayedMessageView>> delayedMessages(String vhost, String name, int limit) {
        VirtualHost v = vhost(vhost);
        ExchangeEntity x = v.exchange(exchangeName(name));
        if (x == null) {
            throw AdminException.notFound("no exchange '%s' in vhost '%s'", name, vhost);
        }
        if (x.delayed() == null) {
            throw AdminException.notFound("exchange '%s' in vhost '%s' is not of type x-delayed-message", name, vhost);
        }
        return x.delayed().soonest(limit).thenApply(found -> found.stream()
                .map(p -> new DelayedMessageView(p.dueAtMillis(), p.routingKey(), p.bodySize(), p.properties()))
                .toList());
    }

    public void declareExchange(String vhost, String name, String type, boolean durable, boolean autoDelete,
                                boolean internal, Map<String, Object> arguments) {
        VirtualHost v = vhost(vhost);
        if (name.isEmpty() || DEFAULT_EXCHANGE_ALIAS.equals(name)) {
            throw new AdminException(AdminException.Kind.FORBIDDEN, "operation not permitted on the default exchange");
        }
        try {
            v.declareExchange(name, type, false, durable, autoDelete, internal, arguments);
        } catch (AmqpException e) {
            throw AdminException.from(e);
        }
    }

    public void deleteExchange(String vhost, String name, boolean ifUnused) {
        VirtualHost v = vhost(vhost);
        String real = exchangeName(name);
        if (v.exchange(real) == null) {
            throw AdminException.notFound("no exchange '%s' in vhost '%s'", name, vhost);
        }
        try {
            v.deleteExchange(real, ifUnused);
        } catch (AmqpException e) {
            throw AdminException.from(e);
        }
    }

    // ---- queues ----

    public List<QueueView> queues(String vhost) {
        VirtualHost v = vhost(vhost);
        List<QueueView> out = new ArrayList<>();
        for (AmqpQueue q : v.queues()) {
            out.add(view(q));
        }
        out.sort(Comparator.comparing(QueueView::name));
        return out;
    }

    /**
     * Hands every queue of the vhost to the action, in no particular order, without building or sorting a list:
     * for walks over every queue (rates, metrics) that must stay linear and light at 100,000 queues.
     */
    public void forEachQueue(String vhost, Consumer<QueueView> action) {
        for (AmqpQueue q : vhost(vhost).queues()) {
            action.accept(view(q));
        }
    }

    /**
     * Hands every queue that lives on this node to the action (in a cluster, not the proxies of queues homed
     * elsewhere): for per-node metrics, which each node exports for its own queues.
     */
    public void forEachLocalQueue(String vhost, Consumer<QueueView> action) {
        for (AmqpQueue q : vhost(vhost).queues()) {
            if (!q.remote()) {
                action.accept(view(q));
            }
        }
    }

    /**
     * The vhost's queue count and summed depths, read from each queue's published counts (no view per queue). In a
     * cluster a queue homed on another node counts with its home node's last reported figures.
     */
    public QueueTotalsView queueTotals(String vhost) {
        return totals(vhost, false);
    }

    /** As {@link #queueTotals}, over the queues that live on this node only (per-node metrics). */
    public QueueTotalsView localQueueTotals(String vhost) {
        return totals(vhost, true);
    }

    private QueueTotalsView totals(String vhost, boolean localOnly) {
        int count = 0;
        long ready = 0;
        long unacked = 0;
        long consumers = 0;
        for (AmqpQueue q : vhost(vhost).queues()) {
            if (localOnly && q.remote()) {
                continue;
            }
            count++;
            ready += q.readyCountSnapshot();
            unacked += q.unackedCountSnapshot();
            consumers += q.consumerCountSnapshot();
        }
        return new QueueTotalsView(count, ready, unacked, consumers);
    }

    /** The vhost's exchange count, without a view per exchange. */
    public int exchangeCount(String vhost) {
        return vhost(vhost).exchanges().size();
    }

    public QueueView queue(String vhost, String name) {
        AmqpQueue q = vhost(vhost).queue(name);
        return q == null ? null : view(q);
    }

    AmqpQueue existingQueue(String vhost, String name) {
        AmqpQueue q = vhost(vhost).queue(name);
        if (q == null) {
            throw AdminException.notFound("no queue '%s' in vhost '%s'", name, vhost);
        }
        return q;
    }

    QueueView view(AmqpQueue q) {
        QueueCounters c = q.counters();
        String policy = q.policyName();
        VirtualHost v = broker.vhost(q.vhost());
        Policy p = policy == null || v == null ? null : v.policies().get(policy);
        return new QueueView(q.vhost(), q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments(),
                q.readyCountSnapshot(), q.unackedCountSnapshot(), q.consumerCountSnapshot(), q.readyBytesSnapshot(),
                c.get(QueueCounters.PUBLISHED), c.get(QueueCounters.DELIVERED), c.get(QueueCounters.GOT),
                c.get(QueueCounters.ACKED), c.get(QueueCounters.REDELIVERED), p == null ? null : policy,
                p == null ? Map.of() : p.definition(), q.type().argument(), q.streamStatus());
    }

    public void declareQueue(String vhost, String name, boolean durable, boolean autoDelete,
                             Map<String, Object> arguments) {
        VirtualHost v = vhost(vhost);
        AccessAdmin.rule(() -> DefinitionRules.queueName(name));
        if (name.startsWith("amq.")) {
            throw new AdminException(AdminException.Kind.FORBIDDEN,
                    "queue name '" + name + "' contains reserved prefix 'amq.*'");
        }
        try {
            AmqpQueue existing = v.queue(name);
            if (existing != null && existing.exclusive()) {
                throw AdminException.from(v.exclusivelyLocked(name));
            }
            v.declareQueue(name, durable, false, autoDelete, arguments, null);
        } catch (AmqpException e) {
            throw AdminException.from(e);
        }
    }

    /** Deletes a queue on its own thread, checking if-unused and if-empty there; yields the messages dropped. */
    public CompletableFuture<Integer> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty) {
        VirtualHost v = vhost(vhost);
        AmqpQueue q = existingQueue(vhost, name);
        Executor definitionChanges = broker.definitionChanges();
        if (definitionChanges != null) {
            // in a cluster the removal waits for a commit: not on the queue's event loop
            return QueueCalls.on(q, queue -> checkDeletable(queue, ifUnused, ifEmpty, vhost))
                    .thenApplyAsync(queue -> {
                        try {
                            return v.removeQueue(queue);
                        } catch (AmqpException e) {
                            throw AdminException.from(e); // no majority: 503, as from the queue's thread
                        }
                    }, definitionChanges)
                    .thenCompose(removed -> removed ? QueueCalls.on(q, AmqpQueue::delete)
                            : CompletableFuture.completedFuture(0));
        }
        return QueueCalls.on(q, queue -> {
            checkDeletable(queue, ifUnused, ifEmpty, vhost);
            return v.removeQueue(queue) ? queue.delete() : 0;
        });
    }

    private static AmqpQueue checkDeletable(AmqpQueue queue, boolean ifUnused, boolean ifEmpty, String vhost) {
        if (ifUnused && queue.consumerCount() > 0) {
            throw AdminException.badRequest("queue '%s' in vhost '%s' in use", queue.name(), vhost);
        }
        if (ifEmpty && queue.readyCount() > 0) {
            throw AdminException.badRequest("queue '%s' in vhost '%s' is not empty", queue.name(), vhost);
        }
        return queue;
    }

    // ---- bindings ----

    public List<BindingView> bindings(String vhost) {
        VirtualHost v = vhost(vhost);
        List<BindingView> out = new ArrayList<>();
        for (VirtualHost.BindingInfo b : v.bindings()) {
            Destination d = b.destination();
            out.add(new BindingView(v.name(), b.source(), d.name(), d instanceof AmqpQueue ? "queue" : "exchange",
                    b.routingKey(), b.arguments()));
        }
        out.sort(Comparator.comparing(BindingView::source).thenComparing(BindingView::destination)
                .thenComparing(BindingView::routingKey));
        return out;
    }

    private static Destination destination(VirtualHost v, String type, String name) {
        Destination d = "exchange".equals(type) ? v.exchange(name) : v.queue(name);
        if (d == null) {
            throw AdminException.notFound("no %s '%s' in vhost '%s'", type, name, v.name());
        }
        return d;
    }

    public void bind(String vhost, String source, String destinationType, String destination, String routingKey,
                     Map<String, Object> arguments) {
        VirtualHost v = vhost(vhost);
        Destination d = destination(v, destinationType, destination);
        try {
            v.bind(exchangeName(source), d, routingKey, arguments);
        } catch (AmqpException e) {
            throw AdminException.from(e);
        }
    }

    public void unbind(String vhost, String source, String destinationType, String destination, String routingKey,
                       Map<String, Object> arguments) {
        VirtualHost v = vhost(vhost);
        Destination d = destination(v, destinationType, destination);
        try {
            v.unbind(exchangeName(source), d, routingKey, arguments);
        } catch (AmqpException e) {
            throw AdminException.from(e);
        }
    }
}
