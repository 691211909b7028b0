package io.warren.cluster.transients;

import io.warren.broker.Broker;
import io.warren.broker.durable.ArgumentsJson;
import io.warren.broker.durable.StoreJournal;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.VirtualHost;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.remote.QueueHomes;
import io.warren.store.definitions.BindingRow;

/**
 * Applies another node's transient definitions to this broker's memory: its queues as proxies (an exclusive one
 * owned by a {@link RemoteOwner}), its exchanges and bindings as they are. Deletes touch only what does not survive
 * a restart, so a transient definition replayed after a durable one of the same name took its place is harmless.
 * This node's own queues and exchanges are never made here: this run's are made by the call that declared them,
 * an earlier run's are gone.
 */
public final class TransientApplier {
    private final Broker broker;
    private final String self;
    private final String incarnation;
    private final QueueHomes homes;

    public TransientApplier(Broker broker, String self, String incarnation, QueueHomes homes) {
        this.broker = broker;
        this.self = self;
        this.incarnation = incarnation;
        this.homes = homes;
    }

    public void apply(DefinitionChange c) {
        switch (c.op()) {
            case TransientOps.PUT_EXCHANGE -> {
                TransientExchangeRow x = c.row(TransientExchangeRow.class);
                if (x.node().equals(self) && !x.incarnation().equals(incarnation)) {
                    return;
                }
                vhost(x.vhost()).declareExchange(x.name(), x.type(), false, false, x.autoDelete(), x.internal(),
                        ArgumentsJson.read(x.argumentsJson()));
            }
            case TransientOps.DELETE_EXCHANGE -> {
                VirtualHost v = broker.vhost(c.key(0));
                ExchangeEntity x = v == null ? null : v.exchange(c.key(1));
                if (x != null && !StoreJournal.survivesRestart(x)) {
                    v.deleteExchange(x.name(), false);
                }
            }
            case TransientOps.PUT_QUEUE -> {
                TransientQueueRow q = c.row(TransientQueueRow.class);
                if (q.node().equals(self)) {
                    return;
                }
                homes.applying(q.vhost(), q.name(), q.node());
                try {
                    vhost(q.vhost()).declareQueue(q.name(), q.durable(), q.exclusive(), q.autoDelete(),
                            ArgumentsJson.read(q.argumentsJson()),
                            q.exclusive() ? new RemoteOwner(q.node(), q.owner()) : null);
                } finally {
                    homes.applied(q.vhost(), q.name());
                }
            }
            case TransientOps.DELETE_QUEUE -> {
                VirtualHost v = broker.vhost(c.key(0));
                AmqpQueue q = v == null ? null : v.queue(c.key(1));
                if (q != null && !StoreJournal.survivesRestart(q) && v.removeQueue(q)) {
                    q.execute(q::delete);
                }
            }
            case TransientOps.PUT_BINDING, TransientOps.DELETE_BINDING -> {
                BindingRow b = c.row(BindingRow.class);
                VirtualHost v = broker.vhost(b.vhost());
                Destination d = v == null || v.exchange(b.source()) == null ? null : destination(v, b);
                if (d == null) {
                    return; // an end is gone, or is this node's from an earlier run (replayed at start)
                }
                if (c.op().equals(TransientOps.PUT_BINDING)) {
                    v.bind(b.source(), d, b.routingKey(), ArgumentsJson.read(b.argumentsJson()));
                } else {
                    v.unbind(b.source(), d, b.routingKey(), ArgumentsJson.read(b.argumentsJson()));
                }
            }
            default -> {
                // a node gone (dropNode) reaches memory as the deletes the state machine derived from it
            }
        }
    }

    private VirtualHost vhost(String name) {
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw new IllegalStateException("vhost '" + name + "' does not exist here");
        }
        return v;
    }

    private static Destination destination(VirtualHost v, BindingRow b) {
        return b.destinationType() == BindingRow.DestinationType.QUEUE ? v.queue(b.destination())
                : v.exchange(b.destination());
    }
}
