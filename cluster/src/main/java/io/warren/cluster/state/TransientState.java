package io.warren.cluster.state;

import io.warren.cluster.log.ChangeRecorder;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.transients.TransientExchangeRow;
import io.warren.cluster.transients.TransientOps;
import io.warren.cluster.transients.TransientQueueRow;
import io.warren.codec.ReplyCodes;
import io.warren.store.definitions.BindingRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The cluster's definitions that do not survive a restart (transient exchanges and queues, exclusive queues,
 * bindings with a transient end), as the log has made them so far: the same on every node. Kept in memory and in
 * snapshots only, never in a node's store; a restarting node rebuilds them from its latest snapshot and the log
 * after it. Each queue and exchange belongs to the node run (name and incarnation) that declared it, and goes
 * with it ({@link TransientOps#DROP_NODE}).
 */
public final class TransientState {
    private final AppliedState durable;
    private final Map<String, TransientQueueRow> queues = new ConcurrentHashMap<>();
    private final Map<String, TransientExchangeRow> exchanges = new ConcurrentHashMap<>();
    // in the order they were made: a snapshot replays them so
    private final Set<BindingRow> bindings = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

    TransientState(AppliedState durable) {
        this.durable = durable;
    }

    private static String key(String vhost, String name) {
        return vhost + "\u0000" + name;
    }

    void clear() {
        queues.clear();
        exchanges.clear();
        bindings.clear();
    }

    public TransientQueueRow queue(String vhost, String name) {
        return queues.get(key(vhost, name));
    }

    boolean hasExchange(String vhost, String name) {
        return exchanges.containsKey(key(vhost, name));
    }

    /** Every node run that owns something here: node name to its incarnations. */
    public Map<String, Set<String>> owners() {
        Map<String, Set<String>> out = new HashMap<>();
        queues.values().forEach(q -> out.computeIfAbsent(q.node(), n -> new HashSet<>()).add(q.incarnation()));
        exchanges.values().forEach(x -> out.computeIfAbsent(x.node(), n -> new HashSet<>()).add(x.incarnation()));
        return out;
    }

    /**
     * Checks a change against the state and takes it in; returns the changes the broker's memory is to make (the
     * change itself, or for a node gone, the deletes of what it owned). Throws {@link AppliedState.Refused}.
     */
    List<DefinitionChange> apply(DefinitionChange c) {
        switch (c.op()) {
            case TransientOps.PUT_EXCHANGE -> {
                TransientExchangeRow x = c.row(TransientExchangeRow.class);
                durable.needVhost(x.vhost(), "exchange '" + x.name() + "'");
                TransientExchangeRow old = exchanges.get(key(x.vhost(), x.name()));
                if (durable.hasExchange(x.vhost(), x.name()) || old != null && !sameExchange(old, x)) {
                    throw AppliedState.refused(ReplyCodes.PRECONDITION_FAILED, "exchange '%s' in vhost '%s' was "
                            + "declared differently on another node at the same time", x.name(), x.vhost());
                }
                if (old == null) {
                    exchanges.put(key(x.vhost(), x.name()), x);
                }
            }
            case TransientOps.DELETE_EXCHANGE -> {
                if (exchanges.remove(key(c.key(0), c.key(1))) == null) {
                    return List.of();
                }
                exchangeGone(c.key(0), c.key(1));
            }
            case TransientOps.PUT_QUEUE -> {
                TransientQueueRow q = c.row(TransientQueueRow.class);
                durable.needVhost(q.vhost(), "queue '" + q.name() + "'");
                TransientQueueRow old = queues.get(key(q.vhost(), q.name()));
                if (durable.queueNode(q.vhost(), q.name()) != null || old != null && !old.equals(q)) {
                    if (q.exclusive() || old != null && old.exclusive()) {
                        throw AppliedState.refused(ReplyCodes.RESOURCE_LOCKED, "cannot obtain exclusive access to "
                                + "locked queue '%s' in vhost '%s'. It could be originally declared on another "
                                + "connection or the exclusive property value does not match that of the original "
                                + "declaration.", q.name(), q.vhost());
                    }
                    throw AppliedState.refused(ReplyCodes.PRECONDITION_FAILED, "queue '%s' in vhost '%s' was "
                            + "declared differently on another node at the same time", q.name(), q.vhost());
                }
                queues.put(key(q.vhost(), q.name()), q);
            }
            case TransientOps.DELETE_QUEUE -> {
                if (queues.remove(key(c.key(0), c.key(1))) == null) {
                    return List.of();
                }
                queueGone(c.key(0), c.key(1));
            }
            case TransientOps.PUT_BINDING -> {
                BindingRow b = c.row(BindingRow.class);
                durable.needVhost(b.vhost(), "binding from '" + b.source() + "'");
                if (!exchangeExists(b.vhost(), b.source())) {
                    throw AppliedState.refused(ReplyCodes.NOT_FOUND, "no exchange '%s' in vhost '%s': it was "
                            + "deleted on another node", b.source(), b.vhost());
                }
                boolean toQueue = b.destinationType() == BindingRow.DestinationType.QUEUE;
                boolean there = toQueue ? queues.containsKey(key(b.vhost(), b.destination()))
                        || durable.queueNode(b.vhost(), b.destination()) != null
                        || durable.hasQueue(b.vhost(), b.destination())
                        : exchangeExists(b.vhost(), b.destination());
                if (!there) {
                    throw AppliedState.refused(ReplyCodes.NOT_FOUND, "no %s '%s' in vhost '%s': it was deleted on "
                            + "another node", toQueue ? "queue" : "exchange", b.destination(), b.vhost());
                }
                bindings.add(b);
            }
            case TransientOps.DELETE_BINDING -> {
                if (!bindings.remove(c.row(BindingRow.class))) {
                    return List.of();
                }
            }
            case TransientOps.DROP_NODE -> {
                return drop(c);
            }
            default -> throw new IllegalArgumentException("not a transient definition change: " + c.op());
        }
        return List.of(c);
    }

    private boolean exchangeExists(String vhost, String name) {
        return name.isEmpty() || name.startsWith("amq.") || durable.hasExchange(vhost, name)
                || exchanges.containsKey(key(vhost, name));
    }

    private static boolean sameExchange(TransientExchangeRow a, TransientExchangeRow b) {
        return a.type().equals(b.type()) && a.autoDelete() == b.autoDelete() && a.internal() == b.internal()
                && a.argumentsJson().equals(b.argumentsJson());
    }

    private List<DefinitionChange> drop(DefinitionChange c) {
        String node = c.key(0);
        String incarnation = c.key(1);
        boolean only = TransientOps.ONLY.equals(c.key(2));
        Predicate<String> goes = i -> only == incarnation.equals(i);
        List<DefinitionChange> out = new ArrayList<>();
        for (TransientQueueRow q : List.copyOf(queues.values())) {
            if (q.node().equals(node) && goes.test(q.incarnation())) {
                queues.remove(key(q.vhost(), q.name()));
                queueGone(q.vhost(), q.name());
                out.add(ChangeRecorder.change(TransientOps.DELETE_QUEUE, c.origin(), 0, null, q.vhost(), q.name()));
            }
        }
        for (TransientExchangeRow x : List.copyOf(exchanges.values())) {
            if (x.node().equals(node) && goes.test(x.incarnation())) {
                exchanges.remove(key(x.vhost(), x.name()));
                exchangeGone(x.vhost(), x.name());
                out.add(ChangeRecorder.change(TransientOps.DELETE_EXCHANGE, c.origin(), 0, null, x.vhost(),
                        x.name()));
            }
        }
        return out;
    }

    /** Bindings to a queue (durable or not) that went. */
    void queueGone(String vhost, String name) {
        bindings.removeIf(b -> b.vhost().equals(vhost) && b.destinationType() == BindingRow.DestinationType.QUEUE
                && b.destination().equals(name));
    }

    /** Bindings from or to an exchange (durable or not) that went. */
    void exchangeGone(String vhost, String name) {
        bindings.removeIf(b -> b.vhost().equals(vhost) && (b.source().equals(name)
                || b.destinationType() == BindingRow.DestinationType.EXCHANGE && b.destination().equals(name)));
    }

    void vhostGone(String vhost) {
        String prefix = vhost + "\u0000";
        queues.keySet().removeIf(k -> k.startsWith(prefix));
        exchanges.keySet().removeIf(k -> k.startsWith(prefix));
        bindings.removeIf(b -> b.vhost().equals(vhost));
    }

    /** Everything here as the puts that make it, exchanges and queues before bindings (for a snapshot). */
    public List<DefinitionChange> asChanges() {
        List<DefinitionChange> out = new ArrayList<>();
        exchanges.values().forEach(x -> out.add(ChangeRecorder.change(TransientOps.PUT_EXCHANGE, x.node(), 0, x)));
        queues.values().forEach(q -> out.add(ChangeRecorder.change(TransientOps.PUT_QUEUE, q.node(), 0, q)));
        synchronized (bindings) {
            bindings.forEach(b -> out.add(ChangeRecorder.change(TransientOps.PUT_BINDING, "snapshot", 0, b)));
        }
        return out;
    }

    /** Starts over from a snapshot's puts. */
    void load(List<DefinitionChange> puts) {
        clear();
        for (DefinitionChange c : puts) {
            switch (c.op()) {
                case TransientOps.PUT_EXCHANGE -> {
                    TransientExchangeRow x = c.row(TransientExchangeRow.class);
                    exchanges.put(key(x.vhost(), x.name()), x);
                }
                case TransientOps.PUT_QUEUE -> {
                    TransientQueueRow q = c.row(TransientQueueRow.class);
                    queues.put(key(q.vhost(), q.name()), q);
                }
                case TransientOps.PUT_BINDING -> bindings.add(c.row(BindingRow.class));
                default -> {
                }
            }
        }
    }
}
