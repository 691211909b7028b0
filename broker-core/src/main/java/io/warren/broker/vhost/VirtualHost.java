package io.warren.broker.vhost;

import static io.warren.codec.ReplyCodes.ACCESS_REFUSED;
import static io.warren.codec.ReplyCodes.NOT_FOUND;
import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;
import static io.warren.codec.ReplyCodes.RESOURCE_LOCKED;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.delayed.DelayedExchangeType;
import io.warren.broker.delayed.DelayedMessages;
import io.warren.broker.durable.DefinitionJournal;
import io.warren.broker.error.AmqpException;
import io.warren.broker.policy.EffectiveArguments;
import io.warren.broker.policy.Policy;
import io.warren.broker.policy.VhostPolicies;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.DeadLetterRouting;
import io.warren.broker.queue.DeliveryOrderArguments;
import io.warren.broker.queue.InvalidQueueArgument;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueFactory;
import io.warren.broker.queue.QueuePlacement;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.QueueTypeProperties;
import io.warren.broker.queue.quorum.QuorumDeclareRules;
import io.warren.broker.stats.ChurnCounters;
import io.warren.routing.Binding;
import io.warren.routing.RoutingProperties;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual host: its exchanges and queues. Definition changes are serialised on this object (they are rare);
 * routing reads the concurrent maps and routers without locking. Each change is told to the journal before it
 * is made, so that a change the journal cannot record does not happen.
 */
public final class VirtualHost implements DeadLetterRouting {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualHost.class);
    private final String name;
    private final LongConsumer deadLettered;
    private final Supplier<EventExecutor> queueLoops;
    private final DefinitionJournal journal;
    private final Executor definitionChanges;
    private final QueueStorage storage;
    private final ConcurrentHashMap<String, ExchangeEntity> exchanges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AmqpQueue> queues = new ConcurrentHashMap<>();
    private final ExchangeGraph graph = new ExchangeGraph(exchanges, queues);
    private final QueueLimit queueLimit = new QueueLimit();
    private final ReplyToRegistry replyTo = new ReplyToRegistry();
    private final VhostPolicies policies = new VhostPolicies();
    private final AppliedPolicies appliedPolicies = new AppliedPolicies(policies);
    private final ChurnCounters churn;
    private final QueuePlacement placement;
    /** Set once the broker has restored definitions: delayed exchanges declared from then on start at once. */
    private volatile boolean delayedStarted;

    /**
     * definitionChanges: where a change the vhost makes of itself (an auto-delete queue going) waits for the
     * journal when that may take long (a cluster's commit); null to make it inline, on the queue's thread.
     * placement: where its durable queues live (here, or on other nodes of a cluster).
     */
    public VirtualHost(String name, Supplier<EventExecutor> queueLoops, DefinitionJournal journal,
                       Executor definitionChanges, QueueStorage storage, LongConsumer deadLettered,
                       ChurnCounters churn, QueuePlacement placement) {
        this.placement = placement;
        this.name = name;
        this.churn = churn;
        this.deadLettered = deadLettered;
        this.queueLoops = queueLoops;
        this.journal = journal;
        this.definitionChanges = definitionChanges;
        this.storage = storage;
        putBuiltIn("", "direct");
        putBuiltIn("amq.direct", "direct");
        putBuiltIn("amq.fanout", "fanout");
        putBuiltIn("amq.topic", "topic");
        putBuiltIn("amq.headers", "headers");
        putBuiltIn("amq.match", "headers");
    }

    private void putBuiltIn(String exchange, String type) {
        exchanges.put(exchange, new ExchangeEntity(exchange, type, true, false, false, Map.of()));
    }

    public String name() {
        return name;
    }

    public ReplyToRegistry replyTo() {
        return replyTo;
    }

    public ExchangeEntity exchange(String exchange) {
        return exchanges.get(exchange);
    }

    public ExchangeEntity existingExchange(String exchange) {
        ExchangeEntity x = exchanges.get(exchange);
        if (x == null) {
            throw AmqpException.channel(NOT_FOUND, "no exchange '%s' in vhost '%s'", exchange, name);
        }
        return x;
    }

    public AmqpQueue queue(String queue) {
        return queues.get(queue);
    }

    public AmqpQueue existingQueue(String queue) {
        AmqpQueue q = queues.get(queue);
        if (q == null) {
            throw AmqpException.channel(NOT_FOUND, "no queue '%s' in vhost '%s'", queue, name);
        }
        return q;
    }

    public Collection<ExchangeEntity> exchanges() {
        return exchanges.values();
    }

    public Collection<AmqpQueue> queues() {
        return queues.values();
    }

    // ---- exchanges ----

    // a passive declare only reads, without the lock: a change holding it may be waiting for a cluster's commit
    public ExchangeEntity declareExchange(String exchange, String type, boolean passive, boolean durable,
                                          boolean autoDelete, boolean internal, Map<String, Object> arguments) {
        if (exchange.isEmpty()) {
            throw defaultExchangeRefused(); // not even passively, as in RabbitMQ
        }
        if (passive) {
            ExchangeEntity existing = exchanges.get(exchange);
            if (existing == null) {
                throw AmqpException.channel(NOT_FOUND, "no exchange '%s' in vhost '%s'", exchange, name);
            }
            return existing;
        }
        return declareExchangeLocked(exchange, type, durable, autoDelete, internal, arguments);
    }

    private synchronized ExchangeEntity declareExchangeLocked(String exchange, String type, boolean durable,
                                                              boolean autoDelete, boolean internal,
                                                              Map<String, Object> arguments) {
        ExchangeEntity existing = exchanges.get(exchange);
        // RabbitMQ's order: the type first, then the name; an existing amq.* exchange is only checked for
        // equivalence like any other, so a mismatch is a 406, not a 403
        ExchangeTypes.validate(type, arguments);
        if (existing == null && exchange.startsWith("amq.")) {
            throw AmqpException.channel(ACCESS_REFUSED,
                    "exchange name '%s' contains reserved prefix 'amq.*'", exchange);
        }
        if (existing != null) {
            checkEquivalent("type", existing.type(), type, exchange);
            checkEquivalent("durable", existing.durable(), durable, exchange);
            checkEquivalent("auto_delete", existing.autoDelete(), autoDelete, exchange);
            checkEquivalent("internal", existing.internal(), internal, exchange);
            Arguments.Difference diff = Arguments.firstDifference(arguments, existing.arguments(),
                    Arguments.EXCHANGE_EQUIVALENCE);
            if (diff != null) {
                throw inequivalent(diff, "exchange", exchange);
            }
            return existing;
        }
        ExchangeEntity x;
        try {
            x = new ExchangeEntity(exchange, type, durable, autoDelete, internal, arguments);
        } catch (IllegalArgumentException e) {
            throw AmqpException.channel(PRECONDITION_FAILED, "%s", e.getMessage()); // a plugin type's arguments
        }
        DelayedMessages delayed = DelayedExchangeType.NAME.equals(type) ? openDelayed(x) : null;
        try {
            journal.exchangeDeclared(name, x);
        } catch (RuntimeException e) {
            if (delayed != null) {
                delayed.delete(); // not recorded, so not declared: nor are its logs kept
            }
            throw e;
        }
        appliedPolicies.exchangeDeclared(x);
        if (delayed != null) {
            x.holdDelayedIn(delayed);
            if (delayedStarted) {
                delayed.start();
            }
        }
        exchanges.put(exchange, x);
        return x;
    }

    private DelayedMessages openDelayed(ExchangeEntity x) {
        try {
            return DelayedMessages.open(this, x, queueLoops.get(), storage);
        } catch (IllegalStateException e) {
            // an exchange of that name was deleted a moment ago and its thread is still removing its logs
            throw AmqpException.channel(RESOURCE_LOCKED, "exchange '%s' in vhost '%s' is still being deleted; "
                    + "declare it again in a moment", x.name(), name);
        }
    }

    private void checkEquivalent(String field, Object current, Object received, String exchange) {
        if (!current.equals(received)) {
            throw inequivalent(Arguments.Difference.of(field, received, current), "exchange", exchange);
        }
    }

    private AmqpException inequivalent(Arguments.Difference d, String kind, String what) {
        return AmqpException.channel(PRECONDITION_FAILED,
                "inequivalent arg '%s' for %s '%s' in vhost '%s': received %s but current is %s",
                d.argument(), kind, what, name, d.received(), d.current());
    }

    /** Deletes an exchange (absent is fine, as in RabbitMQ) and every binding from or to it. */
    public synchronized void deleteExchange(String exchange, boolean ifUnused) {
        if (exchange.isEmpty() || exchange.startsWith("amq.")) {
            throw AmqpException.channel(ACCESS_REFUSED,
                    "operation not permitted on the default exchange or a built-in 'amq.*' exchange '%s'", exchange);
        }
        ExchangeEntity x = exchanges.get(exchange);
        if (x == null) {
            return;
        }
        if (ifUnused && (!x.router().isEmpty() || isDestinationOfAnyBinding(x))) {
            throw AmqpException.channel(PRECONDITION_FAILED, "exchange '%s' in vhost '%s' in use", exchange, name);
        }
        journal.exchangeDeleted(name, x);
        exchanges.remove(exchange);
        if (x.delayed() != null) {
            x.delayed().delete();
        }
        for (ExchangeEntity other : exchanges.values()) {
            if (other.router().unbindAll(x) > 0) {
                autoDeleteIfUnused(other);
            }
        }
    }

    private boolean isDestinationOfAnyBinding(ExchangeEntity x) {
        for (ExchangeEntity other : exchanges.values()) {
            for (Binding<Destination> b : other.router().bindings()) {
                if (b.destination() == x) {
                    return true;
                }
            }
        }
        return false;
    }

    private void autoDeleteIfUnused(ExchangeEntity x) {
        if (x.autoDelete() && x.hadBindings() && x.router().isEmpty() && exchanges.get(x.name()) == x) {
            deleteExchange(x.name(), false);
        }
    }

    /**
     * Lets delayed exchanges fire, once the broker has restored the queues and bindings that decide where their
     * messages go (restored messages that fell due while it was down would otherwise find no route).
     */
    public synchronized void startDelayedExchanges() {
        delayedStarted = true;
        for (ExchangeEntity x : exchanges.values()) {
            if (x.delayed() != null) {
                x.delayed().start();
            }
        }
    }

    // ---- queues ----

    /** The outcome of queue.declare. */
    public record QueueDeclareResult(AmqpQueue queue, boolean created) {
    }

    /** The vhost's max-queues limit, which declareQueue applies to new queues. */
    public QueueLimit queueLimit() {
        return queueLimit;
    }

    /**
     * Declares a queue, or checks an existing one is equivalent. The one place queues are made: the broker also
     * recreates durable queues from the definitions store through here at start-up.
     */
    public synchronized QueueDeclareResult declareQueue(String queue, boolean durable, boolean exclusive,
                                                        boolean autoDelete, Map<String, Object> arguments,
                                                        Object owner) {
        // as in RabbitMQ, arguments are checked before an existing queue is compared with them
        DeliveryOrderArguments.checkDeclare(arguments, queue, name);
        boolean quorum = QuorumDeclareRules.isQuorum(arguments);
        if (quorum) {
            QuorumDeclareRules.checkArguments(queue, name, arguments);
        }
        churn.queueDeclared();
        AmqpQueue existing = queues.get(queue);
        if (existing != null) {
            // as in RabbitMQ, a different exclusive flag is a lock conflict (405), not an inequivalent arg
            if (existing.exclusive() != exclusive) {
                throw exclusivelyLocked(queue);
            }
            checkQueueEquivalent("durable", existing.durable(), durable, queue);
            checkQueueEquivalent("auto_delete", existing.autoDelete(), autoDelete, queue);
            // a quorum queue's redeclaration repeats the arguments quorum queues take, as RabbitMQ compares them
            Arguments.Difference diff = Arguments.firstDifference(arguments, existing.arguments(),
                    QuorumDeclareRules.isQuorum(existing.arguments()) ? QuorumDeclareRules.EQUIVALENCE
                            : Arguments.QUEUE_EQUIVALENCE);
            if (diff != null) {
                throw inequivalent(diff, "queue", queue);
            }
            existing.execute(existing::touch); // a redeclare counts as use (x-expires)
            return new QueueDeclareResult(existing, false);
        }
        if (queue.startsWith("amq.") && !queue.startsWith("amq.gen-")) {
            throw AmqpException.channel(ACCESS_REFUSED, "queue name '%s' contains reserved prefix 'amq.*'", queue);
        }
        QueueDeclaration declaration = new QueueDeclaration(queue, name, durable, exclusive, autoDelete, arguments,
                exclusive ? owner : null, queueLoops.get(), this::autoDeleteQueue, storage, this);
        QueueFactory factory;
        if (quorum) {
            // the arguments were checked above; a quorum queue has members, not a home node to place it on
            QueueTypeProperties.check(queue, name, durable, exclusive, autoDelete);
        }
        try {
            QueueType type = QueueType.of(arguments);
            if (!quorum) {
                QueueSettings.from(arguments);
            }
            factory = QueueFactories.of(type, placement);
            factory.check(declaration);
            // a quorum queue is made by the quorum factory wherever it is declared
            QueueFactory remote = null;
            if (!quorum && durable && !exclusive) {
                remote = placement.remoteFactory(name, queue, EffectiveArguments.forPlacement(arguments,
                        type == QueueType.STREAM ? policies.forStream(queue) : policies.forQueue(queue)));
            } else if (!quorum) {
                remote = placement.recordedElsewhere(name, queue);
            }
            if (remote != null) {
                factory = remote;
            }
        } catch (InvalidQueueArgument e) {
            throw e.toReply(queue, name);
        }
        queueLimit.checkNew(queue, name, queues.size());
        AmqpQueue q = factory.create(declaration, journal::queueDeclared);
        // queued on its loop ahead of anything a client can send it
        appliedPolicies.queueDeclared(q);
        queues.put(queue, q);
        churn.queueCreated();
        // every queue is bound to the default exchange under its own name; routing does that by lookup
        return new QueueDeclareResult(q, true);
    }

    /** RabbitMQ's refusal for a queue that is exclusive to another connection (or not exclusive at all). */
    public AmqpException exclusivelyLocked(String queue) {
        return AmqpException.channel(RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue '%s' in "
                + "vhost '%s'. It could be originally declared on another connection or the exclusive "
                + "property value does not match that of the original declaration.", queue, name);
    }

    private void checkQueueEquivalent(String field, boolean current, boolean received, String queue) {
        if (current != received) {
            throw inequivalent(Arguments.Difference.of(field, received, current), "queue", queue);
        }
    }

    /** Removes a queue from the vhost and all its bindings; the caller then deletes it on its own thread. */
    public synchronized boolean removeQueue(AmqpQueue q) {
        if (queues.get(q.name()) != q) {
            return false;
        }
        journal.queueDeleted(q);
        queues.remove(q.name());
        churn.queueDeleted();
        appliedPolicies.queueRemoved(q);
        for (ExchangeEntity x : exchanges.values()) {
            if (x.router().unbindAll(q) > 0) {
                autoDeleteIfUnused(x);
            }
        }
        return true;
    }

    // on the queue's thread
    private void autoDeleteQueue(AmqpQueue q) {
        if (definitionChanges == null) {
            if (removeQueue(q)) {
                q.delete();
            }
            return;
        }
        // a cluster's commit must not hold the queue's event loop
        definitionChanges.execute(() -> {
            try {
                if (removeQueue(q)) {
                    q.execute(q::delete);
                }
            } catch (RuntimeException e) {
                // without a majority the queue stays, until its next consumer leaves or it is deleted by hand
                LOG.warn("{} not auto-deleted: {}", q, e.getMessage());
            }
        });
    }

    // ---- policies ----

    /** This vhost's policies, to read; they change through {@link #setPolicy} and {@link #clearPolicy}. */
    public VhostPolicies policies() {
        return policies;
    }

    /** Adds or replaces a policy (of this vhost) and applies it, and whatever it displaces, where they match. */
    public synchronized void setPolicy(Policy policy) {
        if (!policy.vhost().equals(name)) {
            throw new IllegalArgumentException(policy + " does not belong to vhost '" + name + "'");
        }
        journal.policySet(policy);
        policies.put(policy);
        appliedPolicies.reapply(queues.values(), exchanges.values());
    }

    /** Removes a policy; what it applied to falls back to the next matching one, or none. False if absent. */
    public synchronized boolean clearPolicy(String policy) {
        if (policies.get(policy) == null) {
            return false;
        }
        journal.policyCleared(name, policy);
        policies.remove(policy);
        appliedPolicies.reapply(queues.values(), exchanges.values());
        return true;
    }

    // ---- bindings ----

    public synchronized void bind(String source, Destination destination, String key, Map<String, Object> args) {
        ExchangeEntity x = existingExchange(source);
        if (x.isDefault() || isDefault(destination)) {
            throw defaultExchangeRefused();
        }
        validateBinding(x, key, args);
        journal.bound(name, x, destination, key, args);
        x.router().bind(destination, key, args);
        x.noteBound();
    }

    private static AmqpException defaultExchangeRefused() {
        return AmqpException.channel(ACCESS_REFUSED, "operation not permitted on the default exchange");
    }

    // the default exchange routes by queue name only: it can be neither end of an explicit binding
    private static boolean isDefault(Destination d) {
        return d instanceof ExchangeEntity x && x.isDefault();
    }

    private static void validateBinding(ExchangeEntity x, String key, Map<String, Object> args) {
        try {
            if ("headers".equals(x.routingType())) {
                io.warren.routing.HeadersRouter.validateArguments(args);
            }
            x.router().validateBinding(key, args);
        } catch (IllegalArgumentException e) {
            throw AmqpException.channel(PRECONDITION_FAILED, "%s", e.getMessage());
        }
    }

    public synchronized void unbind(String source, Destination destination, String key, Map<String, Object> args) {
        ExchangeEntity x = existingExchange(source);
        if (x.isDefault() || isDefault(destination)) {
            throw defaultExchangeRefused();
        }
        journal.unbound(name, x, destination, key, args);
        if (x.router().unbind(destination, key, args)) {
            autoDeleteIfUnused(x);
        }
    }

    /** A binding as listed: source exchange, destination, key, arguments. */
    public record BindingInfo(String source, Destination destination, String routingKey, Map<String, Object> arguments) {
    }

    public List<BindingInfo> bindings() {
        List<BindingInfo> out = new ArrayList<>();
        for (AmqpQueue q : queues.values()) {
            out.add(new BindingInfo("", q, q.name(), Map.of()));
        }
        for (ExchangeEntity x : exchanges.values()) {
            for (Binding<Destination> b : x.router().bindings()) {
                out.add(new BindingInfo(x.name(), b.destination(), b.bindingKey(), b.arguments()));
            }
        }
        return out;
    }

    // ---- routing ----

    /** Adds to out every queue the message reaches from exchange start (see {@link ExchangeGraph}). */
    public void route(ExchangeEntity start, String routingKey, Map<String, Object> headers,
                      java.util.Set<AmqpQueue> out, RoutingScratch scratch) {
        graph.route(start, routingKey, List.of(), headers, null, out, scratch);
    }

    /** Like {@link #route(ExchangeEntity, String, Map, java.util.Set, RoutingScratch)}, for routers that read other
     * properties (consistent hashing on a property); properties may be null. */
    public void route(ExchangeEntity start, String routingKey, Map<String, Object> headers,
                      RoutingProperties properties, java.util.Set<AmqpQueue> out, RoutingScratch scratch) {
        graph.route(start, routingKey, List.of(), headers, properties, out, scratch);
    }

    /** Routes a message that also carries the routing keys of its CC and BCC headers (moreKeys, never null). */
    public void route(ExchangeEntity start, String routingKey, List<String> moreKeys, Map<String, Object> headers,
                      RoutingProperties properties, java.util.Set<AmqpQueue> out, RoutingScratch scratch) {
        graph.route(start, routingKey, moreKeys, headers, properties, out, scratch);
    }

    // ---- dead-lettering ----

    @Override
    public void route(String exchange, List<String> routingKeys, Map<String, Object> headers,
                      RoutingProperties properties, Set<AmqpQueue> out) {
        ExchangeEntity x = exchanges.get(exchange);
        if (x == null) {
            return; // as in RabbitMQ, a missing dead-letter exchange drops the message
        }
        // one walk with all the keys, as a message published with CC keys is routed
        graph.route(x, routingKeys.get(0), routingKeys.subList(1, routingKeys.size()), headers, properties, out,
                new RoutingScratch());
    }

    @Override
    public void counted(long messages) {
        deadLettered.accept(messages);
    }
}
